"""Links normalised and resolved offline by the public-suffix rules; domains from posts and accounts; records."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.core.context.conftest import actions, add_account, add_post
from tests.core.context.makers import CRTSH_JSON, DIG_TEXT, WHOIS_TEXT

from workbench.core.context.domain_records import detect_kind, parse_date, parse_record, parse_whois
from workbench.core.context.domains import (
    attach_record,
    domains,
    find_domain,
    import_record_file,
    index_domains,
    mentions_of,
    records_of,
)
from workbench.core.context.links import normalise_url, resolve, urls_in_text
from workbench.core.context.psl import SuffixRules, registrable_domain, split_host
from workbench.core.errors import BadInput
from workbench.core.incident import Incident


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("www.bbc.co.uk", "bbc.co.uk"),
        ("news.example.com", "example.com"),
        ("alice.github.io", "alice.github.io"),  # private section: a user's site is its own domain
        ("a.b.c.kawasaki.jp", "b.c.kawasaki.jp"),  # wildcard *.kawasaki.jp
        ("www.city.kawasaki.jp", "city.kawasaki.jp"),  # exception !city.kawasaki.jp
        ("example.unknowntld", "example.unknowntld"),  # unlisted TLD: the implicit "*" rule
        ("co.uk", None),  # a suffix itself has no registrable domain
        ("BÜCHER.de", "xn--bcher-kva.de"),
    ],
)
def test_registrable_domain_follows_the_public_suffix_rules(host: str, expected: str | None) -> None:
    assert registrable_domain(host) == expected


def test_rules_parse_wildcards_and_exceptions_from_text() -> None:
    rules = SuffixRules.parse("// c\nck\n*.ck\n!www.ck\n// ===BEGIN PRIVATE DOMAINS===\nblogspot.ck\n")
    assert split_host("a.b.ck", rules).registrable == "a.b.ck"
    assert split_host("www.ck", rules).registrable == "www.ck"
    assert split_host("x.www.ck", rules).registrable == "www.ck"
    assert "blogspot.ck" in rules.private


def test_ip_hosts_have_no_registrable_domain() -> None:
    assert split_host("192.0.2.1").registrable is None
    assert resolve("http://192.0.2.1:8080/x").domain == "192.0.2.1"


def test_normalise_url_strips_tracking_and_defaults() -> None:
    url = "HTTPS://WWW.Example.COM:443/a/b?utm_source=tw&id=7&fbclid=zz&utm_medium=x#frag"
    assert normalise_url(url) == "https://www.example.com/a/b?id=7"
    assert normalise_url("www.example.com") == "http://www.example.com/"
    assert normalise_url("http://例え.jp/パス") == "http://xn--r8jz45g.jp/パス"
    for bad in ("mailto:a@b.c", "javascript:alert(1)", "no scheme here", "http://"):
        with pytest.raises(BadInput):
            normalise_url(bad)


def test_urls_in_text_trims_punctuation() -> None:
    text = "see https://kestrel-truth.news/story?id=1, and (www.example.org/page). Also http://x.y/z!"
    assert urls_in_text(text) == ["https://kestrel-truth.news/story?id=1", "www.example.org/page", "http://x.y/z"]


def test_index_domains_links_posts_and_accounts(inc: Incident) -> None:
    a = add_account(inc, "x", "kestrel_truth", bio="News at https://www.kestrel-truth.news/?utm_source=bio")
    b = add_account(inc, "telegram", "other", links=["https://t.me/other"])
    p1 = add_post(inc, a, "Bridge down! https://kestrel-truth.news/bridge", created="2024-05-03T10:00:00+00:00")
    p2 = add_post(inc, b, "look", links=["https://m.kestrel-truth.news/bridge?fbclid=1"])
    changes = index_domains(inc)
    assert "domains" in changes
    found = {d.name: d for d in domains(inc)}
    kt = found["kestrel-truth.news"]
    assert (kt.posts, kt.accounts) == (2, 1)
    assert {(m.object_type, m.object_id) for m in mentions_of(inc, kt.id)} == {
        ("post", p1),
        ("post", p2),
        ("account", a),
    }
    assert "https://m.kestrel-truth.news/bridge" in {m.url for m in mentions_of(inc, kt.id)}
    assert found["t.me"].accounts == 1
    assert actions(inc).count("context.domains_index") == 1
    assert not index_domains(inc).topics  # nothing new: no write, no audit
    assert actions(inc).count("context.domains_index") == 1
    assert find_domain(inc, "https://www.kestrel-truth.news/x").id == kt.id


def test_whois_variants_parse_dates_and_registrar() -> None:
    rec = parse_whois(WHOIS_TEXT)
    assert rec.domain == "kestrel-truth.news"
    assert rec.registered == "2024-05-01T07:59:58+00:00"
    assert rec.expires == "2025-05-01T07:59:58+00:00"
    assert rec.registrar == "NameCheap, Inc."
    assert rec.facts["name_servers"] == ["dns1.registrar-servers.com", "dns2.registrar-servers.com"]
    de = parse_whois("% DENIC\nDomain: beispiel.de\nChanged: 2024-05-02T10:00:00+02:00\ncreated: 01-May-2024\n")
    assert de.registered == "2024-05-01T00:00:00+00:00"
    assert de.facts["registered_precision"] == "day"
    ru = parse_whois("domain: PRIMER.RU\ncreated: 2024.05.01\npaid-till: 2025.05.01\n")
    assert (ru.registered, ru.expires) == ("2024-05-01T00:00:00+00:00", "2025-05-01T00:00:00+00:00")
    assert parse_date("Sat May 04 10:00:00 UTC 2024") == ("2024-05-04T10:00:00+00:00", "second")
    assert parse_date("not a date") is None


def test_certificates_and_dig() -> None:
    certs = parse_record(CRTSH_JSON)
    assert certs.kind == "certificates"
    assert certs.first_certificate == "2024-05-01T08:10:00+00:00"
    assert certs.domain == "kestrel-truth.news"
    assert certs.facts["certificates"] == 2
    dns = parse_record(DIG_TEXT)
    assert dns.kind == "dns"
    assert dns.facts["queried"] == "2024-05-04T10:00:00+00:00"
    assert [r["type"] for r in dns.facts["records"]] == ["A", "CNAME"]
    assert detect_kind("example.com. 300 IN A 192.0.2.1\n") == "dns"


@pytest.mark.parametrize(
    "text",
    ["", "hello world\nnothing here", "[1, 2, 3]", '[{"not_before": "garbage"}]', "{not json"],
)
def test_unreadable_records_are_refused(text: str) -> None:
    with pytest.raises(BadInput):
        parse_record(text)


def test_attach_records_put_dates_on_the_domain(inc: Incident, tmp_path: Path) -> None:
    attach_record(inc, WHOIS_TEXT, note="pasted from the registrar")
    (tmp_path / "crt.json").write_text(CRTSH_JSON)
    changes = import_record_file(inc, tmp_path / "crt.json")
    assert "media" in changes  # the file itself is kept as evidence
    dom = find_domain(inc, "kestrel-truth.news")
    assert dom.registered_utc == "2024-05-01T07:59:58+00:00"
    assert dom.first_certificate_utc == "2024-05-01T08:10:00+00:00"
    assert dom.registrars == ("NameCheap, Inc.",)
    recs = records_of(inc, dom.id)
    assert [r.kind for r in recs] == ["whois", "certificates"]
    assert recs[0].raw_text == WHOIS_TEXT  # verbatim
    assert recs[1].source_media_id is not None
    assert actions(inc).count("context.domain_record") == 2
    again = attach_record(inc, WHOIS_TEXT)  # the same text again adds nothing
    assert again.ids["domain_records"] == (recs[0].id,)
    assert actions(inc).count("context.domain_record") == 2


def test_record_about_another_domain_is_refused(inc: Incident) -> None:
    with pytest.raises(BadInput, match=r"not example\.org"):
        attach_record(inc, WHOIS_TEXT, domain="example.org")
    assert "context.domain_record" not in actions(inc)
