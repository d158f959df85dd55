from django.urls import path

from samen.accounts import views

urlpatterns = [path("setlang/", views.set_language, name="set_language")]
