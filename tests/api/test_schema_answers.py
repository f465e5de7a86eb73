"""The OpenAPI schema documents the answers the stack really gives (issue 17 §1), checked on the
generated schema itself (tests/api/test_schemathesis.py checks them against a live server)."""

import pytest
from drf_spectacular.generators import SchemaGenerator


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def operations(schema):
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield path, method, operation


def test_every_operation_documents_503_with_retry_after_in_json(schema):
    for path, method, operation in operations(schema):
        answer = operation["responses"]["503"]
        assert "Retry-After" in answer["headers"], (method, path)
        assert answer["content"]["application/json"]["schema"] == {
            "$ref": "#/components/schemas/Error"
        }


def test_ids_in_the_path_may_be_unknown_and_tokens_may_be_refused(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        if "{" in path:
            assert "404" in codes, (method, path)
        if any(requirement for requirement in operation.get("security", [])):
            assert "401" in codes, (method, path)
        if "requestBody" in operation:
            assert {"400", "415"} <= codes, (method, path)


def test_every_error_answer_is_a_json_body(schema):
    for path, method, operation in operations(schema):
        for code, answer in operation["responses"].items():
            if int(code) >= 400:
                assert "application/json" in answer["content"], (method, path, code)


def test_pdfs_are_documented_as_pdf(schema):
    pdfs = [(path, op) for path, method, op in operations(schema) if path.endswith("/pdf/")]
    assert len(pdfs) == 2
    for path, operation in pdfs:
        assert list(operation["responses"]["200"]["content"]) == ["application/pdf"], path


def test_links_name_real_operations_and_their_parameters(schema):
    by_id = {op["operationId"]: op for _path, _method, op in operations(schema)}
    links = [
        link
        for op in by_id.values()
        for answer in op["responses"].values()
        for link in answer.get("links", {}).values()
    ]
    assert len(links) >= 10
    for link in links:
        target = by_id[link["operationId"]]
        names = {p["name"] for p in target.get("parameters", [])}
        assert set(link["parameters"]) <= names, link


def test_the_search_says_whether_its_count_is_exact(schema):
    page = schema["components"]["schemas"]["PaginatedListingList"]
    assert "count_is_exact" in page["required"]
