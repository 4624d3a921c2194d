"""Tests for the shared argument checks."""

from __future__ import annotations

import os

import pytest

from mcstudy._validation import check_output_dir


def test_output_dir_accepts_new_and_existing_directories(tmp_path):
    assert check_output_dir(tmp_path, "--out") == tmp_path
    assert check_output_dir(str(tmp_path / "a" / "b"), "--out") == tmp_path / "a" / "b"
    assert not (tmp_path / "a").exists()  # checking creates nothing


def test_output_dir_errors(tmp_path, monkeypatch):
    afile = tmp_path / "f.txt"
    afile.write_text("x")
    with pytest.raises(ValueError, match=r"'--out' must name an output directory; got ''"):
        check_output_dir("", "--out")
    with pytest.raises(
        ValueError,
        match=r"'out_dir' must be a directory; .*f\.txt' is an "
        r"existing file",
    ):
        check_output_dir(afile, "out_dir")
    with pytest.raises(
        ValueError,
        match=r"'--out' cannot be created: .*f\.txt', on its path, "
        r"is a file",
    ):
        check_output_dir(afile / "sub" / "dir", "--out")
    with pytest.raises(TypeError, match=r"'--out' must be a path"):
        check_output_dir(3, "--out")
    # read-only directories (root ignores permission bits, so the check is simulated)
    monkeypatch.setattr(os, "access", lambda path, mode: False)
    with pytest.raises(
        ValueError, match=r"'--out' cannot be written: .* is read-only \(no permission"
    ):
        check_output_dir(tmp_path / "new", "--out")
