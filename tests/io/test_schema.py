"""Read errors: every CSV loader reads through io.schema.read_csv and names the file."""

from __future__ import annotations

import codecs
import gzip
import re

import pytest

from mcstudy import config
from mcstudy.io import (
    DataValidationError,
    load_channels,
    load_claims,
    load_hillstrom,
    load_parameters,
    load_targets,
)
from mcstudy.io.catalogue import (
    CHANNEL_COLUMNS,
    CLAIM_COLUMNS,
    PARAMETER_COLUMNS,
    TARGET_COLUMNS,
)
from mcstudy.io.hillstrom import HILLSTROM_COLUMNS
from mcstudy.io.schema import read_csv

LOADERS = {
    "claims": (load_claims, CLAIM_COLUMNS),
    "channels": (load_channels, CHANNEL_COLUMNS),
    "hillstrom": (load_hillstrom, HILLSTROM_COLUMNS),
    "parameters": (load_parameters, PARAMETER_COLUMNS),
    "targets": (load_targets, TARGET_COLUMNS),
}


def _header(columns, sep=","):
    return sep.join(columns) + "\n"


BAD_FILES = {
    # name: (bytes or None for a directory, expected message after "<file name>: ")
    "latin1": (
        lambda cols: _header(cols).encode() + "Soci\u00e9t\u00e9,x\n".encode("latin-1"),
        r"not UTF-8 text \(byte 0xe9 at offset \d+, line 2\); save the file as UTF-8",
    ),
    "empty": (lambda cols: b"", r"the file is empty \(0 bytes\)"),
    "blank": (lambda cols: b"\n\r\n\n", r"the file has no header line \(only blank lines\)"),
    "semicolon": (
        lambda cols: (_header(cols, ";") + ";".join("1" * len(cols))).encode(),
        r"missing columns \[.*\]: the header line has no commas but \d+ semicolons, "
        r"so the file looks semicolon-separated; save it with commas",
    ),
    "tab": (
        lambda cols: _header(cols, "\t").encode(),
        r"missing columns \[.*\]: .* tabs, so the "
        r"file looks tab-separated",
    ),
    "binary": (
        lambda cols: b"\x00\x01\x02binary\x00",
        r"is a binary file, not CSV text "
        r"\(NUL byte at offset 0\)",
    ),
    "gzip": (
        lambda cols: gzip.compress(_header(cols).encode()),
        r"is a binary file, not CSV text: a gzip-compressed file",
    ),
    "xlsx": (
        lambda cols: b"PK\x03\x04\x14\x00\x06\x00",
        r"is a binary file, not CSV text: a ZIP archive, such as an Excel \.xlsx workbook",
    ),
    "directory": (None, r"is a directory, expected a CSV file"),
    "header_only": (lambda cols: _header(cols).encode(), r"the file has a header but no data rows"),
    "too_many_fields": (
        lambda cols: (_header(cols) + ",".join("1" * (len(cols) + 2))).encode(),
        r"\d+ fields, but the header has \d+; quote cells",
    ),
}


@pytest.mark.parametrize("kind", sorted(BAD_FILES))
@pytest.mark.parametrize("loader", sorted(LOADERS))
def test_read_errors_name_the_file_in_one_line(tmp_path, loader, kind):
    load, columns = LOADERS[loader]
    make, expected = BAD_FILES[kind]
    path = tmp_path / f"{loader}_{kind}.csv"
    if make is None:
        path.mkdir()
    else:
        path.write_bytes(make(columns))
    with pytest.raises(
        DataValidationError, match=rf"^{re.escape(path.name)}(, line \d+)?: {expected}"
    ) as info:
        load(path)
    assert "\n" not in str(info.value)
    if kind == "too_many_fields":
        assert str(info.value).startswith(f"{path.name}, line 2: ")


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError, match=r"nope\.csv: file not found"):
        read_csv(tmp_path / "nope.csv", ("a",))


def test_hillstrom_directory_from_env_is_named(tmp_path, monkeypatch):
    folder = tmp_path / "hillstrom.csv"
    folder.mkdir()
    monkeypatch.setenv(config.HILLSTROM_ENV, str(folder))
    with pytest.raises(DataValidationError, match=r"hillstrom\.csv: is a directory"):
        load_hillstrom()


def test_line_numbers_count_blank_lines_and_a_byte_order_mark(tmp_path):
    path = tmp_path / "t.csv"
    path.write_bytes(codecs.BOM_UTF8 + b"a,b\r\n1,2\r\n\r\n3,4\r\n5\r\n")
    df = read_csv(path, ("a", "b"))
    assert list(df.columns) == ["a", "b"]  # the byte-order mark is not part of 'a'
    assert df.index.tolist() == [2, 4, 5] and df.index.name == "line"
    assert df.loc[5].tolist() == ["5", ""]  # a short line is padded


def test_quoted_newlines_keep_line_numbers_right(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n"two\nlines",1\n3,4\n', encoding="utf-8")
    assert read_csv(path, ("a", "b")).index.tolist() == [2, 4]


def test_error_line_after_a_blank_line_is_the_file_line(tmp_path):
    path = tmp_path / "c.csv"
    text = config.CLAIMS_CSV.read_text(encoding="utf-8").splitlines()
    text.insert(3, "")  # a blank line 4: the claim that was on line 4 is now on line 5
    fields = text[4].split(",")
    text[4] = ",".join([fields[0], "005_unknown.txt", *fields[2:]])
    path.write_text("\n".join(text) + "\n", encoding="utf-8")
    with pytest.raises(
        DataValidationError,
        match=r"line 5, column 'source', value "
        r"'005_unknown.txt'",
    ):
        load_claims(path)


def test_repeated_column_names(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("a,b,a\n1,2,3\n", encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"t\.csv: repeated column names \['a'\]"):
        read_csv(path, ("a", "b"))


def test_bad_quoting_is_reported_with_its_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text('a,b\n1,2\n"x"y,3\n', encoding="utf-8")
    with pytest.raises(DataValidationError, match=r"t\.csv, line 3: is not valid CSV"):
        read_csv(path, ("a", "b"))
