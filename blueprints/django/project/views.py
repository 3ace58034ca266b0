"""CRUD on items (see README.md); the other views are in answers.py."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from items import InvalidItem, parse_item, store_from_environment
from project.answers import bad_request, not_found

store = store_from_environment()


@require_http_methods(["GET", "PUT"])
def items(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse({"items": store.list()})
    try:
        fields = parse_item(request.body)
    except InvalidItem as error:
        return bad_request(error)
    return JsonResponse(store.create(fields), status=201)


@require_http_methods(["GET", "POST", "DELETE"])
def item(request: HttpRequest, item_id: str) -> HttpResponse:
    if request.method == "DELETE":
        return HttpResponse(status=204) if store.delete(item_id) else not_found(item_id)
    if request.method == "GET":
        found = store.get(item_id)
    else:
        try:
            found = store.update(item_id, parse_item(request.body))
        except InvalidItem as error:
            return bad_request(error)
    return JsonResponse(found) if found else not_found(item_id)
