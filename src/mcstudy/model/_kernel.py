"""The weekly dynamics of one block of customers, compiled with numba.

One call runs every week for one block of customers with the block's own random generator,
customer after customer in a fixed order, so the draws a customer gets never depend on how
blocks are spread over threads. The loop body is the model of ``docs/model.md`` ("Weekly
dynamics"), step by step; variable names follow the equations there.
"""

from __future__ import annotations

import math

import numba
import numpy as np

#: Metrics accumulated per arm × week × channel, in this order.
WEEKLY_METRICS = ("contacts", "contacts_attended", "purchases", "revenue_eur", "service_contacts")

NEVER = 1_000_000  # "weeks since last purchase" before any purchase

# Event clocks of a customer (rows of ``clock``): each event type is a unit-rate Poisson process
# run in "operational time" (the accumulated weekly rate or hazard). Rows PURCHASES, SERVICE and
# CHURN, then one row per channel for contacts (CONTACT + c) and for consent withdrawal
# (CONTACT + n_channels + c).
PURCHASES, SERVICE, CHURN, CONTACT = 0, 1, 2, 3


@numba.njit(nogil=True, cache=True, inline="always")
def _start(rng, clock, e):
    """Reset clock ``e``: no time elapsed, first arrival after an Exp(1) time."""
    clock[e, 0] = 0.0
    clock[e, 1] = rng.standard_exponential()


@numba.njit(nogil=True, cache=True, inline="always")
def _arrivals(rng, clock, e, rate):
    """Advance clock ``e`` by ``rate`` units of operational time; return the arrivals.

    ``clock[e]`` holds [time elapsed, time of the next arrival] of a unit-rate Poisson process.
    By memorylessness the count over each week is Poisson(rate) given the past, whatever the
    rates of earlier weeks, so this is an exact Poisson(rate) draw (and an event with
    probability 1 - exp(-rate) for a hazard); it costs one exponential draw per arrival only,
    instead of one or more draws every week.
    """
    clock[e, 0] += rate
    k = 0
    while clock[e, 1] <= clock[e, 0]:
        k += 1
        clock[e, 1] += rng.standard_exponential()
    return k


@numba.njit(nogil=True, cache=True, inline="always")
def _contact_weights(w, base, consent, affinity, respect_consent, by_preference):
    """Fill ``w`` with the customer's contact weights per channel; return their sum."""
    total = 0.0
    for c in range(w.shape[0]):
        x = base[c]
        if respect_consent and not consent[c]:
            x = 0.0
        if by_preference:
            x *= affinity[c]
        w[c] = x
        total += x
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
    rng,
    n_weeks,
    # customers
    base_rate,
    basket,
    tier,
    affinity,
    pref,
    pbase,
    breadth,
    attention,
    consent,
    sens,
    arm,
    jidx,
    # strategies, indexed [arm, phase] (phase 0 before the deployment lag, 1 after)
    s_pressure,
    s_cap,
    s_consent,
    s_pref,
    s_suppress,
    s_incons,
    s_hist,
    s_ref,
    lag,
    s_weights,
    # channels
    intr,
    pers,
    inbound,
    pidx,
    referral,
    # response parameters (ResponseSpec field order) and the breadth effect
    resp,
    breadth_effect,
    # outputs per customer
    o_purch,
    o_revenue,
    o_received,
    o_attended,
    o_clutter,
    o_irr,
    o_withdraw,
    o_churn,
    o_service_ch,
    o_effort,
    o_incons,
    # outputs per arm × week × channel × metric
    wk,
    # journeys of sampled customers
    jr_n,
    jr_a,
    jr_dp,
    jr_dr,
    jr_y,
    jr_pc,
    jr_val,
    jr_g,
    jr_h,
):
    n_cust, n_ch = affinity.shape
    n_pur = pidx.shape[0]
    (
        d_p,
        b_p,
        nc_p,
        inc_p,
        d_r,
        k_i,
        nc_i,
        k_cl,
        k_inc,
        k_eff,
        b_r,
        svc,
        svc_p,
        th_w,
        h_0,
        h_r,
        h_e,
    ) = (
        resp[0],
        resp[1],
        resp[2],
        resp[3],
        resp[4],
        resp[5],
        resp[6],
        resp[7],
        resp[8],
        resp[9],
        resp[10],
        resp[11],
        resp[12],
        resp[13],
        resp[14],
        resp[15],
        resp[16],
    )
    n = np.zeros(n_ch, np.int64)
    att = np.zeros(n_ch, np.int64)
    w = np.zeros(n_ch)
    used = np.zeros(n_ch, np.int64)  # channels that contacted the customer this week
    r1 = np.zeros(n_ch)  # irritation from one contact, per channel (for this customer)
    clock = np.zeros((CONTACT + 2 * n_ch, 2))
    withdrawal = CONTACT + n_ch
    p1 = np.zeros(n_ch)  # persuasion from one attended contact, per channel
    prob = np.zeros(n_pur)

    m = 0  # number of channels in ``used``
    for i in range(n_cust):  # customers are independent: one whole history at a time
        for q in range(m):  # clear the previous customer's last week
            n[used[q]] = 0
            att[used[q]] = 0
        m = 0
        a = arm[i]
        j = jidx[i]
        k = tier[i]
        cap = attention[i]
        s_i = sens[i]
        base = base_rate[i] * (1.0 + breadth_effect * (breadth[i] - 1))
        inb = 0.0
        for c in range(n_ch):
            inb += affinity[i, c] * inbound[c]
        for e in range(CONTACT + 2 * n_ch):
            _start(rng, clock, e)
        persuasion = 0.0
        irritation = 0.0
        since = NEVER
        phase = -1
        wsum = 0.0
        for t in range(n_weeks):
            ph = 1 if t >= lag[a] else 0
            since += 1
            if ph != phase:  # contact weights change with the phase and with consent only
                phase = ph
                wsum = _contact_weights(
                    w, s_weights[a, ph, k], consent[i], affinity[i], s_consent[a, ph], s_pref[a, ph]
                )
                _contact_effects(r1, p1, consent[i], affinity[i], s_i, intr, pers, k_i, nc_i, nc_p)

            # 1. Outbound contacts: Poisson per channel at the pressure times the channel's
            #    weight. Routing to preferences re-spreads the whole pressure over the allowed
            #    channels; siloed teams just skip the customers their list excludes (base
            #    weights sum to 1).
            for q in range(m):  # clear last week's counts
                n[used[q]] = 0
                att[used[q]] = 0
            total = 0
            m = 0
            if since > s_suppress[a, ph] and wsum > 0:
                scale = s_pressure[a, ph] / (wsum if s_pref[a, ph] else 1.0)
                for c in range(n_ch):
                    if w[c] > 0:
                        k_c = _arrivals(rng, clock, CONTACT + c, scale * w[c])
                        if k_c > 0:
                            used[m] = c
                            m += 1
                            n[c] = k_c
                            att[c] = k_c
                            total += k_c

            # 2. Frequency cap (firm) then attention (customer), in preference order.
            if total > cap:
                if s_cap[a, ph]:
                    keep = cap
                    for r in range(n_ch):
                        c = pref[i, r]
                        n[c] = min(n[c], keep)
                        keep -= n[c]
                    total = cap
                room = cap
                for r in range(n_ch):
                    c = pref[i, r]
                    att[c] = min(n[c], room)
                    room -= att[c]
            attended = min(total, cap)
            o_received[i] += total
            o_attended[i] += attended
            o_clutter[i] += total - attended

            # 3. Contradictory offers when two or more channels spoke this week.
            inconsistent = False
            distinct = 0
            for q in range(m):
                distinct += n[used[q]] > 0
            if distinct >= 2 and s_incons[a, ph] > 0:
                inconsistent = rng.random() < s_incons[a, ph]
            if inconsistent:
                o_incons[i] += 1

            # 4. Irritation and persuasion stocks.
            add_r = k_inc if inconsistent else 0.0
            add_p = 0.0
            for q in range(m):
                c = used[q]
                if n[c] > 0:  # the cap may have removed every contact of a channel
                    r_c = r1[c] * n[c] + k_cl * (n[c] - att[c])
                    p_c = p1[c] * (inc_p if inconsistent else 1.0) * att[c]
                    add_r += r_c
                    add_p += p_c
                    wk[a, t, c, 0] += n[c]
                    wk[a, t, c, 1] += att[c]
                    if j >= 0:
                        jr_n[j, t, c] = n[c]
                        jr_a[j, t, c] = att[c]
                        jr_dr[j, t, c] = r_c
                        jr_dp[j, t, c] = p_c
            irritation = d_r * irritation + add_r
            persuasion = d_p * persuasion + add_p

            # 5. Purchases: Poisson, rate raised by persuasion, lowered by irritation.
            damp = math.exp(-b_r * irritation)
            mu = base * damp * (1.0 + b_p * persuasion)
            y = _arrivals(rng, clock, PURCHASES, mu)
            if j >= 0:
                jr_g[j, t] = base * damp * b_p
                jr_h[j, t] = mu * b_r
                jr_y[j, t] = y
            if y > 0:
                # 6. Purchase channel: own repertoire, or where an attended contact refers.
                rho = s_ref[a, ph] if attended > 0 else 0.0
                acc = 0.0
                for p in range(n_pur):
                    x = (1.0 - rho) * pbase[i, p]
                    if rho > 0:
                        for c in range(n_ch):
                            x += rho * att[c] * referral[c, p] / attended
                    acc += x
                    prob[p] = acc
                u = rng.random() * acc
                p = 0
                while p < n_pur - 1 and u >= prob[p]:
                    p += 1
                value = y * basket[i]
                o_purch[i, p] += y
                o_revenue[i] += value
                wk[a, t, pidx[p], 2] += y
                wk[a, t, pidx[p], 3] += value
                since = 0
                if j >= 0:
                    jr_pc[j, t] = p
                    jr_val[j, t] = value

            # 7. Self-initiated service contacts; effort when the history is lost.
            effort = 0
            n_service = _arrivals(rng, clock, SERVICE, svc + svc_p * (y > 0))
            if n_service > 0 and inb > 0:
                for _ in range(n_service):
                    u = rng.random() * inb
                    c = 0
                    acc = affinity[i, 0] * inbound[0]
                    while c < n_ch - 1 and u >= acc:
                        c += 1
                        acc += affinity[i, c] * inbound[c]
                    wk[a, t, c, 4] += 1
                    o_service_ch[i, c] += 1
                    if rng.random() >= s_hist[a, ph]:
                        effort += 1
                o_effort[i] += effort
                irritation += k_eff * effort

            # 8. Consent withdrawal on the channels that contacted the customer.
            for q in range(m):
                c = used[q]
                if n[c] > 0 and consent[i, c]:
                    hazard = th_w * s_i * intr[c] * n[c] * (1.0 + irritation)
                    if _arrivals(rng, clock, withdrawal + c, hazard) > 0:
                        consent[i, c] = False
                        o_withdraw[i] += 1
                        phase = -1  # recompute the contact weights next week

            # 9. Churn.
            if _arrivals(rng, clock, CHURN, h_0 + h_r * irritation + h_e * effort) > 0:
                o_churn[i] = t
                break
        o_irr[i] = irritation
