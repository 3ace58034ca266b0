"""The views: a greeting, a health check and CRUD on items (see README.md)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from items import InvalidItem, parse_item, store_from_environment

store = store_from_environment()


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from tinystack and Django!"})


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


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


def bad_request(error: InvalidItem) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


def not_found(item_id: str) -> JsonResponse:
    return JsonResponse({"error": f"item '{item_id}' not found"}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "not found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "internal server error"}, status=500)
