"""Routes; JSON bodies for unknown paths and server errors too."""

from django.urls import path

from project import answers, views

urlpatterns = [
    path("", answers.index),
    path("ping", answers.ping),
    path("item", views.items),
    path("item/<str:item_id>", views.item),
]

handler404 = answers.page_not_found
handler500 = answers.server_error
