"""The weekly dynamics of one block of customers, compiled with numba.

One call runs every week for one block of customers, one whole customer history at a time.
The loop body is the model of ``docs/model.md`` ("Details: weekly dynamics"), step by step;
variable names follow the equations there.

The contract with :mod:`mcstudy.model.engine` is by name: the inputs and outputs are the named
tuples below (:class:`Customers`, :class:`Policy`, :class:`Channels`, :class:`Outputs`,
:class:`Journeys`), declared once here from their field lists, and the response parameters are a
:class:`Response` named tuple whose fields are those of
:class:`~mcstudy.model.response.ResponseSpec`. The weekly metrics are addressed through the
constants generated from :data:`WEEKLY_METRICS`.

Random numbers: common random numbers by construction
-----------------------------------------------------
Every random number is a counter-based draw (a SplitMix64 hash) of the customer's key, a
*stream* (one per kind of event: purchases, service, churn, each channel's contacts, each
channel's consent withdrawal, visits, and each per-week decision) and a counter within that
stream. No draw depends on how many draws were made elsewhere, so a counterfactual run with a
channel switched off gives every customer the same draws for everything that channel did not
cause: a channel that sends nothing leaves every history identical, bit for bit, and the
difference between two runs is the causal effect of the change on the same customers.

Event counts are unit-rate Poisson processes run in "operational time" (the accumulated
weekly rate or hazard): each event kind has a clock ``clock[e] = [time elapsed, time of next
arrival]`` and its ``k``-th inter-arrival time is the exponential of draw ``k`` of its stream
(the first, draw 0, is drawn when the clock first advances). By memorylessness the count over a
week is Poisson(rate) given the past, an exact draw that costs one exponential per arrival.
"""

from __future__ import annotations

import math
from collections import namedtuple

import numba
import numpy as np

from mcstudy.model._draws import (  # noqa: F401 (re-exported: the kernel's streams and draws)
    _WEEK,
    CHURN,
    CONTACT,
    D_CONVERSION,
    D_HISTORY,
    D_INCONSISTENT,
    D_PURCHASE_CHANNEL,
    D_SERVICE_CHANNEL,
    D_VISIT_CHANNEL,
    PURCHASES,
    SERVICE,
    VISITS_ORGANIC,
    VISITS_TRIGGERED,
    _arrivals,
    _choose,
    _exponential,
    _mix,
    _start,
    _uniform,
    customer_keys,
)
from mcstudy.model.response import ResponseSpec

#: Metrics accumulated per arm x week x channel, in this order.
WEEKLY_METRICS = (
    "contacts",
    "contacts_attended",
    "purchases",
    "revenue_eur",
    "service_contacts",
    "visits",
)
M_CONTACTS, M_ATTENDED, M_PURCHASES, M_REVENUE, M_SERVICE, M_VISITS = range(len(WEEKLY_METRICS))

#: Per-customer inputs (one row per customer of the block).
Customers = namedtuple(
    "Customers",
    (
        "key",  # uint64: the customer's random key
        "base_rate",  # base purchases per week
        "basket",  # basket value, EUR
        "tier",  # 0 small, 1 medium, 2 key account
        "engagement",  # latent engagement (mean 1)
        "affinity",  # (n, n_channels) channel affinity, rows sum to 1
        "pref",  # (n, n_channels) channels from most to least preferred
        "pbase",  # (n, n_purchase) own purchase-channel choice probabilities
        "breadth",  # purchase channels in the repertoire
        "attention",  # contacts per week the customer can attend
        "consent",  # (n, n_channels) marketing consent; updated in place on withdrawal
        "sens",  # sensitivity to intrusiveness (mean 1)
        "arm",  # strategy arm
        "jidx",  # journey row, -1 when the customer's journey is not recorded
        "dropout",  # churn-hazard multiplier (mean 1)
        "lapsed",  # lapsed before week 0 (a pre-period): does nothing, recorded churned at 0
        "since",  # weeks since the last purchase before week 0 (NEVER without one)
    ),
)
#: The arms' contact policies and integration factors, indexed [arm, phase] (phase 0 before
#: the deployment lag, 1 after).
Policy = namedtuple(
    "Policy",
    (
        "pressure",  # (arms, 2, tiers) planned contacts per week
        "weights",  # (arms, 2, tiers, n_channels) share of the pressure per channel
        "consent",  # respect consent
        "cap_mode",  # 0 none, 1 fixed, 2 learned
        "cap",  # the fixed cap, or the learned cap's start
        "pref",  # route by preference
        "suppress",  # weeks without contacts after a purchase
        "incons",  # probability of contradictory offers in a multi-channel week
        "hist",  # probability that a service contact finds the history
        "ref",  # referral strength
        "lag",  # (arms,) deployment lag in weeks
        "off",  # (arms, n_channels) channels whose contacts are not sent (counterfactuals)
    ),
)
CAP_NONE, CAP_FIXED, CAP_LEARNED = 0, 1, 2
#: Channel arrays, aligned with the simulated channels.
Channels = namedtuple(
    "Channels",
    (
        "intr",  # intrusiveness
        "pers",  # persuasion weight relative to e-mail
        "withdraw",  # consent withdrawal hazard per contact
        "inbound",  # 1.0 where customers start service contacts
        "pidx",  # channel index of each purchase channel
        "referral",  # (n_channels, n_purchase) referral shares
    ),
)
#: The response parameters, by the names of :class:`ResponseSpec`'s fields.
Response = namedtuple("Response", ResponseSpec.names())
#: Per-customer outputs.
Outputs = namedtuple(
    "Outputs",
    (
        "purch",  # (n, n_purchase) purchases per purchase channel
        "revenue",
        "received",
        "attended",
        "clutter",
        "visits",
        "visits_triggered",
        "irritation",  # stock at the end
        "relationship",  # stock at the end
        "withdraw",
        "churn",  # churn week, -1 if active at the end
        "last",  # week of the last purchase, -1 without purchase
        "service",  # (n, n_channels) service contacts per channel
        "effort",
        "incons",
    ),
)
#: Week-by-week records of the sampled customers (journeys).
Journeys = namedtuple(
    "Journeys",
    (
        "n",  # (j, weeks, channels) contacts
        "a",  # attended
        "dp",  # persuasion added
        "dr",  # irritation added
        "y",  # (j, weeks) purchases
        "pc",  # purchase channel (index into pidx), -1 without purchase
        "val",  # revenue
        "g",  # marginal purchases per unit of persuasion
        "h",  # marginal purchases per unit of irritation
        "v",  # visits
    ),
)

NEVER = 1_000_000  # "weeks since last purchase" before any purchase


@numba.njit(nogil=True, cache=True, inline="always")
def _contact_weights(w, base, consent, affinity, off, respect_consent, by_preference):
    """Fill ``w`` with the customer's contact weights per channel; return their sum.

    The sum, which re-spreads the pressure when routing by preference, counts channels
    switched off for a counterfactual: switching a channel off removes its contacts and
    changes nothing else in the plan.
    """
    total = 0.0
    for c in range(w.shape[0]):
        x = base[c]
        if respect_consent and not consent[c]:
            x = 0.0
        if by_preference:
            x *= affinity[c]
        total += x
        w[c] = 0.0 if off[c] else x
    return total


@numba.njit(nogil=True, cache=True, inline="always")
def _contact_effects(r1, p1, consent, affinity, sens, intr, pers, k_i, nc_i, nc_p):
    """Fill the irritation ``r1`` and persuasion ``p1`` of one contact on each channel."""
    n_ch = r1.shape[0]
    for c in range(n_ch):
        no_consent = not consent[c]
        r1[c] = k_i * sens * intr[c] * (1.0 + nc_i * no_consent)
        p1[c] = pers[c] * affinity[c] * n_ch * (nc_p if no_consent else 1.0)


@numba.njit(nogil=True, cache=True, error_model="numpy")
def run_block(
    n_weeks, cust, pol, chan, resp, breadth_effect, out, wk, jr, rc=None, prev=None, offer=None
):
    """Simulate every customer of ``cust`` for ``n_weeks`` weeks; fill ``out``, ``wk``, ``jr``.

    Parameters
    ----------
    n_weeks : int
    cust : Customers
    pol : Policy
    chan : Channels
    resp : Response
    breadth_effect : float
        Purchase-rate effect of each purchase channel beyond the first.
    out : Outputs
    wk : numpy.ndarray
        Arm x week x channel x :data:`WEEKLY_METRICS`, accumulated.
    jr : Journeys
    rc : numpy.ndarray or None, default=None
        Work array (n_channels,) for the irritation stock of each channel, when
        ``resp.fatigue_sharing < 1``; None for shared fatigue.
    prev : numpy.ndarray or None, default=None
        Work array (n_channels,) of bool for the channels attended the week before, when
        ``resp.channel_synergy != 0``; None without cross-channel interaction.
    offer : numpy.ndarray or None, default=None
        (arms, 2): the multiplier of an attended contact's persuasion and triggered visits in a
        consistent week with contacts on two or more channels (the relevant offers a
        consistency rule suppresses), when ``resp.consistency_offer_loss > 0``; None otherwise.

    Notes
    -----
    ``rc``, ``prev`` and ``offer`` are None at their mechanisms' neutral values: numba then
    compiles a version without those mechanisms (branches on ``is not None`` are pruned), so
    the neutral model pays nothing for them. ``resp.history_contact_pressure`` acts through
    ``pol.pressure`` (the engine raises it).
    """
    n_cust, n_ch = cust.affinity.shape
    pidx = chan.pidx
    n_pur = pidx.shape[0]
    n = np.zeros(n_ch, np.int64)
    att = np.zeros(n_ch, np.int64)
    w = np.zeros(n_ch)
    used = np.zeros(n_ch, np.int64)  # channels that contacted the customer this week
    r1 = np.zeros(n_ch)  # irritation from one contact, per channel (for this customer)
    p1 = np.zeros(n_ch)  # persuasion from one attended contact, per channel
    n_clocks = CONTACT + 2 * n_ch
    clock = np.zeros((n_clocks, 2))
    nth = np.zeros(n_clocks, np.int64)
    withdrawal = CONTACT + n_ch
    prob = np.zeros(n_pur)
    # Fatigue shared across channels (1: one attention budget and one irritation stock) or
    # channel-specific (0): below 1 each channel also keeps its own irritation stock (rc).
    sharing = resp.fatigue_sharing
    # Cross-channel interaction: the channels attended last week (prev).
    synergy = resp.channel_synergy

    m = 0  # number of channels in ``used``
    for i in range(n_cust):
        for q in range(m):  # clear the previous customer's last week
            n[used[q]] = 0
            att[used[q]] = 0
        m = 0
        if cust.lapsed[i]:
            out.churn[i] = 0
            continue
        key = cust.key[i]
        a = cust.arm[i]
        j = cust.jidx[i]
        tier = cust.tier[i]
        capacity = cust.attention[i]
        s_i = cust.sens[i]
        consent = cust.consent[i]
        base = cust.base_rate[i] * (1.0 + breadth_effect * (cust.breadth[i] - 1))
        inb = 0.0
        for c in range(n_ch):
            inb += cust.affinity[i, c] * chan.inbound[c]
        for e in range(n_clocks):
            _start(clock, nth, e)
        persuasion = 0.0
        irritation = 0.0
        relationship = 0.0
        excess = 0.0  # channel irritation that purchases and churn do not feel (rc)
        total_rc = 0.0  # sum of the channel stocks (rc)
        n_prev = 0  # channels attended last week (prev)
        if rc is not None:
            rc[:] = 0.0
        if prev is not None:
            prev[:] = False
        since = cust.since[i]
        # the customer's output counters, kept in locals and stored after the last week
        o_received = out.received[i]
        o_attended = out.attended[i]
        o_clutter = out.clutter[i]
        o_incons = out.incons[i]
        o_visits = out.visits[i]
        o_triggered = out.visits_triggered[i]
        o_revenue = out.revenue[i]
        o_last = out.last[i]
        o_effort = out.effort[i]
        o_withdraw = out.withdraw[i]
        phase = -1
        recompute = False
        wsum = 0.0
        learned = 0  # the firm's estimate of the customer's capacity (learned cap)
        for t in range(n_weeks):
            ph = 1 if t >= pol.lag[a] else 0
            since += 1
            if ph != phase or recompute:  # weights change with the phase and consent only
                if ph != phase:  # a new plan: the learned cap starts afresh
                    learned = pol.cap[a, ph]
                phase = ph
                recompute = False
                wsum = _contact_weights(
                    w,
                    pol.weights[a, ph, tier],
                    consent,
                    cust.affinity[i],
                    pol.off[a],
                    pol.consent[a, ph],
                    pol.pref[a, ph],
                )
                _contact_effects(
                    r1,
                    p1,
                    consent,
                    cust.affinity[i],
                    s_i,
                    chan.intr,
                    chan.pers,
                    resp.irritation_per_contact,
                    resp.no_consent_irritation,
                    resp.no_consent_persuasion,
                )

            # 1. Outbound contacts: Poisson per channel at the pressure times the channel's
            #    weight. Routing to preferences re-spreads the whole pressure over the allowed
            #    channels; siloed teams just skip the customers their list excludes.
            for q in range(m):
                n[used[q]] = 0
                att[used[q]] = 0
            total = 0
            m = 0
            pressure = pol.pressure[a, ph, tier]
            if since > pol.suppress[a, ph] and wsum > 0 and pressure > 0:
                scale = pressure / (wsum if pol.pref[a, ph] else 1.0)
                for c in range(n_ch):
                    if w[c] > 0:
                        k_c = _arrivals(key, clock, nth, CONTACT + c, scale * w[c])
                        if k_c > 0:
                            used[m] = c
                            m += 1
                            n[c] = k_c
                            att[c] = k_c
                            total += k_c

            # 2. The firm's frequency cap, then the customer's attention, in preference order.
            mode = pol.cap_mode[a, ph]
            firm_cap = pol.cap[a, ph] if mode == CAP_FIXED else learned
            if mode != CAP_NONE and total > firm_cap:
                keep = firm_cap
                for r in range(n_ch):
                    c = cust.pref[i, r]
                    n[c] = min(n[c], keep)
                    att[c] = n[c]
                    keep -= n[c]
                total = firm_cap
            attended = total
            if total > capacity:
                if rc is not None:  # a channel's room shrinks by a share of what went before it
                    seen = 0
                    attended = 0
                    for r in range(n_ch):
                        c = cust.pref[i, r]
                        room = max(int(math.floor(capacity - sharing * seen)), 0)
                        att[c] = min(n[c], room)
                        seen += att[c]
                        attended += att[c]
                else:
                    room = capacity
                    for r in range(n_ch):
                        c = cust.pref[i, r]
                        att[c] = min(n[c], room)
                        room -= att[c]
                    attended = capacity
            if mode == CAP_LEARNED and total > 0:  # what the firm sees: opens, replies
                if attended == total and total >= learned:
                    learned += 1
                elif attended < total:
                    learned = max(attended, 1)
            o_received += total
            o_attended += attended
            o_clutter += total - attended

            # 3. Contradictory offers when two or more channels spoke this week.
            inconsistent = False
            distinct = 0
            for q in range(m):
                distinct += n[used[q]] > 0
            if distinct >= 2 and pol.incons[a, ph] > 0:
                inconsistent = _uniform(key, D_INCONSISTENT, t) < pol.incons[a, ph]
            if inconsistent:
                o_incons += 1
            # the week's multipliers of persuasion (p_mult) and triggered visits (v_mult):
            # contradictory offers, or the relevant offers a consistency rule suppresses in a
            # consistent multi-channel week
            p_mult = resp.inconsistency_persuasion if inconsistent else 1.0
            v_mult = 1.0
            if offer is not None:
                if distinct >= 2 and not inconsistent:
                    v_mult = offer[a, ph]
                    p_mult = v_mult
            n_now = 0  # channels attended this week (prev)
            if prev is not None:
                for q in range(m):
                    n_now += att[used[q]] > 0

            # 4. Irritation, persuasion and relationship stocks; visits triggered by contacts.
            add_r = resp.inconsistency_irritation if inconsistent else 0.0
            add_p = 0.0
            add_rel = 0.0
            pull = 0.0  # e-mail equivalents attended, for triggered visits
            if rc is not None:
                for c in range(n_ch):
                    rc[c] *= resp.irritation_decay
            for q in range(m):
                c = used[q]
                if n[c] > 0:  # the cap may have removed every contact of a channel
                    r_c = r1[c] * n[c] + resp.clutter_irritation * s_i * chan.intr[c] * (
                        n[c] - att[c]
                    )
                    p_c = p1[c] * p_mult * att[c]
                    w_c = chan.pers[c] * att[c]
                    if prev is not None:
                        if att[c] > 0 and (n_now > 1 or n_prev > (1 if prev[c] else 0)):
                            p_c *= 1.0 + synergy  # another channel reached the customer
                            w_c *= 1.0 + synergy
                    add_r += r_c
                    add_p += p_c
                    if offer is not None:
                        w_c *= v_mult
                    pull += w_c
                    if rc is not None:
                        rc[c] += r_c
                    if consent[c] and not inconsistent:
                        add_rel += resp.relationship_per_contact * att[c]
                    wk[a, t, c, M_CONTACTS] += n[c]
                    wk[a, t, c, M_ATTENDED] += att[c]
                    if j >= 0:
                        jr.n[j, t, c] = n[c]
                        jr.a[j, t, c] = att[c]
                        jr.dr[j, t, c] = r_c
                        jr.dp[j, t, c] = p_c
            if prev is not None:
                for c in range(n_ch):
                    prev[c] = False
                for q in range(m):
                    prev[used[q]] = att[used[q]] > 0
                n_prev = n_now
            irritation = resp.irritation_decay * irritation + add_r
            persuasion = resp.persuasion_decay * persuasion + add_p
            relationship = resp.relationship_decay * relationship + add_rel
            felt = irritation  # the irritation purchases and churn respond to
            if rc is not None:  # the most irritated channel's stock, not the sum
                total_rc = 0.0
                top_rc = 0.0
                for c in range(n_ch):
                    total_rc += rc[c]
                    top_rc = max(top_rc, rc[c])
                excess = (1.0 - sharing) * (total_rc - top_rc)
                felt = max(irritation - excess, 0.0)

            # 5. Visits (organic, and triggered by attended contacts) and purchases: the base
            #    Poisson rate raised by persuasion and damped by irritation, plus the triggered
            #    visits that convert.
            damp = math.exp(-felt) if felt > 0.0 else 1.0
            v_org = _arrivals(
                key, clock, nth, VISITS_ORGANIC, resp.organic_visits_per_week * cust.engagement[i]
            )
            v_trig = 0
            if pull > 0:
                v_trig = _arrivals(
                    key, clock, nth, VISITS_TRIGGERED, resp.visits_per_attended_contact * pull
                )
            mu = base * damp * (1.0 + resp.persuasion_effect * persuasion)
            y = _arrivals(key, clock, nth, PURCHASES, mu)
            for v in range(v_trig):
                if _uniform(key, D_CONVERSION, t * _WEEK + v) < resp.visit_conversion * damp:
                    y += 1
            if j >= 0:
                jr.g[j, t] = base * damp * resp.persuasion_effect
                jr.h[j, t] = mu
                jr.y[j, t] = y
                jr.v[j, t] = v_org + v_trig
            o_visits += v_org + v_trig
            o_triggered += v_trig

            # 6. Purchase (and visit) channel: own repertoire, or where an attended contact
            #    refers.
            rho = pol.ref[a, ph] if attended > 0 else 0.0
            acc = 0.0
            if y > 0 or v_org + v_trig > 0:
                for p in range(n_pur):
                    x = (1.0 - rho) * cust.pbase[i, p]
                    if rho > 0:
                        for c in range(n_ch):
                            x += rho * att[c] * chan.referral[c, p] / attended
                    acc += x
                    prob[p] = acc
                for v in range(v_org + v_trig):
                    p = _choose(key, D_VISIT_CHANNEL, t * _WEEK + v, prob, acc)
                    wk[a, t, pidx[p], M_VISITS] += 1
            if y > 0:
                p = _choose(key, D_PURCHASE_CHANNEL, t, prob, acc)
                value = y * cust.basket[i]
                out.purch[i, p] += y
                o_revenue += value
                o_last = t
                wk[a, t, pidx[p], M_PURCHASES] += y
                wk[a, t, pidx[p], M_REVENUE] += value
                since = 0
                if j >= 0:
                    jr.pc[j, t] = p
                    jr.val[j, t] = value

            # 7. Self-initiated service contacts: effort when the history is lost, relationship
            #    when it is found.
            effort = 0
            n_service = _arrivals(
                key,
                clock,
                nth,
                SERVICE,
                resp.service_rate_per_week + resp.service_after_purchase * (y > 0),
            )
            if n_service > 0 and inb > 0:
                for s in range(n_service):
                    u = _uniform(key, D_SERVICE_CHANNEL, t * _WEEK + s) * inb
                    c = 0
                    acc = cust.affinity[i, 0] * chan.inbound[0]
                    while c < n_ch - 1 and u >= acc:
                        c += 1
                        acc += cust.affinity[i, c] * chan.inbound[c]
                    wk[a, t, c, M_SERVICE] += 1
                    out.service[i, c] += 1
                    if _uniform(key, D_HISTORY, t * _WEEK + s) >= pol.hist[a, ph]:
                        effort += 1
                    else:
                        relationship += resp.relationship_per_resolved_service
                o_effort += effort
                irritation += resp.effort_irritation * effort
                felt = irritation
                if rc is not None:
                    felt = max(irritation - excess, 0.0)

            # 8. Consent withdrawal on the channels that contacted the customer.
            for q in range(m):
                c = used[q]
                if n[c] > 0 and consent[c]:
                    own = irritation  # the irritation channel c's contacts meet
                    if rc is not None:
                        own = max(irritation - (1.0 - sharing) * (total_rc - rc[c]), 0.0)
                    hazard = chan.withdraw[c] * s_i * n[c] * (1.0 + own)
                    if _arrivals(key, clock, nth, withdrawal + c, hazard) > 0:
                        consent[c] = False
                        o_withdraw += 1
                        recompute = True  # the contact weights, next week

            # 9. Churn: raised by irritation and effort, lowered by the relationship.
            hazard = (
                resp.churn_base_per_week * cust.dropout[i]
                + resp.churn_irritation * felt
                + resp.churn_effort * effort
            ) * (math.exp(-resp.retention_effect * relationship) if relationship > 0.0 else 1.0)
            if _arrivals(key, clock, nth, CHURN, hazard) > 0:
                out.churn[i] = t
                break
        out.received[i] = o_received
        out.attended[i] = o_attended
        out.clutter[i] = o_clutter
        out.incons[i] = o_incons
        out.visits[i] = o_visits
        out.visits_triggered[i] = o_triggered
        out.revenue[i] = o_revenue
        out.last[i] = o_last
        out.effort[i] = o_effort
        out.withdraw[i] = o_withdraw
        out.irritation[i] = felt
        out.relationship[i] = relationship
