"""The views every Django blueprint shares: a greeting, a health check and JSON errors."""

from __future__ import annotations

from django.http import HttpRequest, JsonResponse
from django.views.decorators.http import require_GET

from items import InvalidItem


@require_GET
def index(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"message": "Hello from tinystack and Django!"})


@require_GET
def ping(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def bad_request(error: InvalidItem) -> JsonResponse:
    return JsonResponse({"error": str(error)}, status=400)


def not_found(item_id: str) -> JsonResponse:
    return JsonResponse({"error": f"item '{item_id}' not found"}, status=404)


def page_not_found(request: HttpRequest, exception: Exception) -> JsonResponse:
    return JsonResponse({"error": "not found"}, status=404)


def server_error(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"error": "internal server error"}, status=500)
