"""The views: a greeting, a health check and CRUD on items (see README.md)."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_GET, require_http_methods

from items import InvalidItem, parse_item
from store.models import Item


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from tinystack and Django!"})


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


@require_http_methods(["GET", "PUT"])
def items(request: HttpRequest) -> JsonResponse:
    if request.method == "GET":
        return JsonResponse({"items": [item.as_json() for item in Item.objects.all()]})
    try:
        fields = parse_item(request.body)
    except InvalidItem as error:
        return bad_request(error)
    return JsonResponse(Item.objects.create(**fields).as_json(), status=201)


def _find(item_id: str) -> Item | None:
    try:
        return Item.objects.get(id=uuid.UUID(item_id))
    except (ValueError, Item.DoesNotExist):  # not a UUID: no such item either
        return None


@require_http_methods(["GET", "POST", "DELETE"])
def item(request: HttpRequest, item_id: str) -> HttpResponse:
    found = _find(item_id)
    if request.method == "POST":
        try:
            fields = parse_item(request.body)
        except InvalidItem as error:
            return bad_request(error)
        if found is not None:
            found.title, found.content = fields["title"], fields["content"]
            found.save()
    if found is None:
        return not_found(item_id)
    if request.method == "DELETE":
        found.delete()
        return HttpResponse(status=204)
    return JsonResponse(found.as_json())


def bad_request(error: InvalidItem) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


def not_found(item_id: str) -> JsonResponse:
    return JsonResponse({"error": f"item '{item_id}' not found"}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "not found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "internal server error"}, status=500)
