"""The queryset every scoped model uses: ``Model.objects.restrict(user, action)``."""

from django.db import models


class ScopedQuerySet(models.QuerySet):
    def restrict(self, user, action="view"):
        from .permissions import restrict

        return restrict(self, user, action)


class ScopedManager(models.Manager.from_queryset(ScopedQuerySet)):
    pass
