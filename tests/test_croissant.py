"""croissant.json: valid Croissant 1.1 (``mlcroissant validate``), and every record set loads.

The records that ``mlcroissant`` reads are compared with the Parquet rows read by pyarrow,
an independent reader of the same files.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from retold.describe.croissant import CONFORMS_TO
from retold.io.release import CROISSANT_FILE, data_path
from retold.schema import CONFIG_NAMES, DATASET_VERSION, get_config

MLCROISSANT = Path(sys.executable).parent / "mlcroissant"
RAI_FIELDS = ("rai:dataCollection", "rai:dataAnnotationProtocol", "rai:dataBiases",
              "rai:dataLimitations", "rai:personalSensitiveInformation", "rai:dataUseCases",
              "rai:annotatorDemographics", "rai:machineAnnotationTools")


def test_croissant_validates(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    result = subprocess.run([str(MLCROISSANT), "validate", "--jsonld",
                             str(release / CROISSANT_FILE)],
                            capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stderr[-3000:]
    assert "error" not in result.stderr.lower()


def test_validate_can_fail(mini_release: tuple[Path, dict[str, int]], tmp_path: Path) -> None:
    release, _ = mini_release
    data = json.loads((release / CROISSANT_FILE).read_text(encoding="utf-8"))
    data["recordSet"][0]["field"][0]["source"]["fileObject"]["@id"] = "no-such-file"
    broken = tmp_path / CROISSANT_FILE
    broken.write_text(json.dumps(data), encoding="utf-8")
    result = subprocess.run([str(MLCROISSANT), "validate", "--jsonld", str(broken)],
                            capture_output=True, text=True, check=False)
    assert result.returncode != 0


def test_croissant_metadata(mini_release: tuple[Path, dict[str, int]]) -> None:
    release, _ = mini_release
    data = json.loads((release / CROISSANT_FILE).read_text(encoding="utf-8"))
    assert data["conformsTo"] == CONFORMS_TO
    assert data["version"] == DATASET_VERSION
    for key in RAI_FIELDS:
        assert data.get(key), key
    assert "Claude" in json.dumps(data["rai:machineAnnotationTools"])
    assert [rs["name"] for rs in data["recordSet"]] == list(CONFIG_NAMES)


def test_mlcroissant_load_command(mini_release: tuple[Path, dict[str, int]]) -> None:
    """The ``mlcroissant load`` command itself, on the largest record set."""
    release, counts = mini_release
    result = subprocess.run(
        [str(MLCROISSANT), "load", "--jsonld", str(release / CROISSANT_FILE),
         "--record_set", "pairs", "--num_records", "-1"],
        capture_output=True, text=True, check=False, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    assert sum(line.startswith("{") for line in result.stdout.splitlines()) == counts["pairs"]


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_mlcroissant_load_reads_every_record_set(mini_release: tuple[Path, dict[str, int]],
                                                 name: str,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """``mlcroissant load``'s own function (what the command runs), once per record set."""
    from mlcroissant.scripts.load import load

    release, counts = mini_release
    load(jsonld=str(release / CROISSANT_FILE), record_set=name, num_records=-1)
    out = capsys.readouterr().out
    assert sum(line.startswith("{") for line in out.splitlines()) == counts[name]
    assert out.rstrip().endswith("Done.")


def _plain(value: object) -> object:
    """mlcroissant's values as plain Python: bytes decoded, numpy scalars unwrapped."""
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k.rsplit("/", 1)[-1]: _plain(v) for k, v in value.items()}
    return value.item() if hasattr(value, "item") else value


@pytest.mark.parametrize("name", CONFIG_NAMES)
def test_records_equal_the_parquet_rows(mini_release: tuple[Path, dict[str, int]],
                                        name: str) -> None:
    import mlcroissant as mlc

    release, _ = mini_release
    dataset = mlc.Dataset(jsonld=str(release / CROISSANT_FILE))
    records = [_plain(r) for r in dataset.records(record_set=name)]
    rows = pq.read_table(release / data_path(name)).to_pylist()
    assert len(records) == len(rows)
    for record, row in zip(records, rows, strict=True):
        assert list(record) == list(get_config(name).field_names)
        for key, value in row.items():
            if isinstance(value, float):
                assert record[key] == pytest.approx(value)
            else:
                assert record[key] == value, (name, key)
