"""Routes; JSON bodies for unknown paths and server errors too."""

from django.urls import path

from project import views

urlpatterns = [
    path("", views.index),
    path("ping", views.ping),
    path("item", views.items),
    path("item/<str:item_id>", views.item),
]

handler404 = views.page_not_found
handler500 = views.server_error
