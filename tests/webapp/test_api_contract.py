"""The OpenAPI document is valid and the API does what it says (schemathesis, bounded)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from openapi_spec_validator import validate
from schemathesis.specs.openapi.checks import positive_data_acceptance

from tests.webapp.facilitator_data import build_network, stored_round
from webapp import rounds as round_service
from webapp.models import db
from webapp.views.api.auth import issue_token

#: Operations whose schema-valid input may still name a product the catalogue does not know
#: (free text): 422 is the right answer there, so "valid data is accepted" does not apply.
CATALOGUE_BOUND = {"POST /listings", "PATCH /listings/{listing_id}", "GET /suppliers"}


def test_the_served_document_is_valid_openapi_3(client):
    document = client.get("/api/v1/openapi.json").get_json()
    validate(document)
    assert document["openapi"].startswith("3.")


def test_every_api_route_is_documented_and_every_documented_path_exists(app, client):
    document = client.get("/api/v1/openapi.json").get_json()
    documented = {
        (path.replace("{", "<").replace("}", ">"), method.upper())
        for path, operations in document["paths"].items()
        for method in operations
    }
    served = set()
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("api.") and rule.endpoint not in (
            "api.openapi",
            "api._unknown",
        ):
            path = rule.rule.removeprefix("/api/v1")
            for name in rule.arguments:
                path = path.replace(f"<int:{name}>", f"<{name}>")
            served |= {(path, m) for m in rule.methods - {"HEAD", "OPTIONS"}}
    assert served == documented


def _checker(operation: Any, token: str, excluded: list[Any]) -> Callable[[], None]:
    @given(case=operation.as_strategy())
    @settings(
        max_examples=8,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def check(case: schemathesis.Case) -> None:
        # Schemathesis's WSGI transport asks for gzip but does not decode it (an HTTP client
        # would): the contract is checked on the identity body, and compressed bodies are
        # checked to decode to exactly that in tests/webapp/test_compression.py.
        case.call_and_validate(
            headers={"Authorization": f"Bearer {token}", "Accept-Encoding": "identity"},
            excluded_checks=excluded,
        )

    return check


def test_the_api_keeps_its_documented_contract(app):
    """Every documented operation, a few generated requests each, as officer A with a token:
    no server error, documented status codes, content types and response bodies."""
    net = build_network()
    match_round = stored_round(net)
    round_service.publish_round(match_round, net.facilitator)
    _, token = issue_token(net.officers["batu"], "contract")
    db.session.commit()
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", app)
    # NUL characters are refused app-wide before any view (tests/webapp/test_input_guards.py);
    # schemathesis would count that documented 400 as "valid data rejected".
    schema.config.generation.update(allow_x00=False)
    failures: dict[str, str] = {}
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1

        # A schema-valid listing may still name a product or unit the catalogue does not
        # have: 422 is the right answer there, so "valid data is accepted" cannot hold.
        excluded = [positive_data_acceptance] if operation.label in CATALOGUE_BOUND else []
        check = _checker(operation, token, excluded)
        try:
            check()
        except Exception as exc:  # collect them all, report together
            failures[operation.label] = str(exc)[:1500]
    assert operations >= 20
    assert not failures, "\n\n".join(f"{k}: {v}" for k, v in failures.items())
