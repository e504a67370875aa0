"""The "Try it" page's data and form, as built: the library's answers, every one.

``docs/hooks/try_it.py`` builds the page's data asset from :func:`imnm.classify`
and checks it at build time; these tests read the asset the built site serves
and prove it again, and show that the check fails on data that disagrees.
"""

from __future__ import annotations

import copy
import enum
import json
from pathlib import Path
from typing import Any, cast

import attrs
import pytest

import try_it_pages
from imnm import Classification, Findings, classify, serialize

pytestmark = [pytest.mark.docs_site, pytest.mark.source_tree]


def _asset(site_dir: Path) -> dict[str, Any]:
    import try_it

    data: dict[str, Any] = json.loads((site_dir / try_it.ENMC_ASSET).read_text(encoding="utf-8"))
    return data


def test_asset_gives_classify_answer_for_every_combination(
    site_dir: Path, all_findings: tuple[Findings, ...]
) -> None:
    import try_it

    data = _asset(site_dir)
    assert try_it.check_enmc(data) == len(all_findings) == len(data["results"])
    # The decoding itself, spelled out for a few: the wire document the page shows.
    for findings in all_findings[:: len(all_findings) // 50]:
        document = try_it.decode(data, findings)
        expected = classify(findings)
        assert document.pop("summary") == expected.summary
        assert document == json.loads(serialize.dumps(expected))
        assert serialize.loads(json.dumps(document), Classification) == expected


def test_asset_positions_follow_the_fields_order(
    site_dir: Path, all_findings: tuple[Findings, ...]
) -> None:
    import try_it

    data = _asset(site_dir)
    positions = [try_it.findings_at(data, findings) for findings in all_findings]
    # conftest's all_findings is itertools.product over the fields in order.
    assert positions == list(range(len(all_findings)))


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda d: d["results"].reverse(), id="results-reordered"),
        pytest.param(lambda d: d["results"].pop(), id="result-missing"),
        pytest.param(lambda d: d["fields"].reverse(), id="fields-reordered"),
        pytest.param(lambda d: d["fields"][0]["choices"].reverse(), id="values-reordered"),
        pytest.param(
            lambda d: d["nodes"].__setitem__(
                d["nodes"].index("Proximal muscle weakness: present."),
                "Proximal muscle weakness: absent.",
            ),
            id="detail-changed",
        ),
        pytest.param(
            lambda d: d["nodes"].__setitem__(d["nodes"].index("met"), "not_met"),
            id="status-changed",
        ),
        pytest.param(
            lambda d: d["nodes"].__setitem__(
                d["nodes"].index(
                    "Anti-HMGCR positive; ENMC 2016 criteria met for anti-HMGCR myopathy"
                ),
                "No IMNM subtype",
            ),
            id="summary-changed",
        ),
    ],
)
def test_check_fails_on_an_asset_that_disagrees_with_the_library(
    site_dir: Path, tamper: Any
) -> None:
    import try_it

    data = copy.deepcopy(_asset(site_dir))
    tamper(data)
    with pytest.raises((ValueError, IndexError)):
        try_it.check_enmc(data)


def test_asset_nodes_keep_numbers_apart_from_indices() -> None:
    import try_it

    nodes = try_it._Nodes()
    root = nodes.add({"a": ["x", None, True, 2], "b": "x", "c": "2"})
    assert nodes.nodes == ["x", 2, [0, None, True, 1], "2", {"a": 2, "b": 0, "c": 3}]
    assert root == 4
    data = {"nodes": nodes.nodes, "results": [root], "fields": [], "kind": "k", "imnm_format": 9}
    document = try_it.decode(data, Findings())
    assert {key: document[key] for key in "abc"} == {"a": ["x", None, True, 2], "b": "x", "c": "2"}
    with pytest.raises(TypeError, match="cannot hold"):
        nodes.add({"set": {1}})


def test_form_has_a_fieldset_per_finding_with_every_wire_value_labelled(site_dir: Path) -> None:
    form = try_it_pages.form((site_dir / "try-it" / "index.html").read_text(encoding="utf-8"))
    fields: tuple[attrs.Attribute[Any], ...] = attrs.fields(attrs.resolve_types(Findings))
    assert list(form.radios) == [field.name for field in fields]
    docstring = cast(str, Findings.__doc__)
    for field, legend in zip(fields, form.legends, strict=True):
        members = list(cast("type[enum.Enum]", field.type))
        assert form.radios[field.name] == [member.value for member in members]
        assert form.checked[field.name] == cast(enum.Enum, field.default).value
        label = legend.removesuffix(field.name).strip()
        # The legend is the attribute's docstring (whitespace aside).
        assert label + "." in " ".join(docstring.split())
    assert len(form.labels) == sum(len(values) for values in form.radios.values())
    assert "../assets/try-it/try-it.js" in form.scripts


def test_try_it_page_is_in_the_navigation(site_dir: Path) -> None:
    home = (site_dir / "index.html").read_text(encoding="utf-8")
    assert 'href="try-it/"' in home
