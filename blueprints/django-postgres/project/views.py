"""CRUD on items (see README.md); the other views are in answers.py."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.http import require_http_methods

from items import InvalidItem, parse_item
from project.answers import bad_request, not_found
from store.models import Item


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
