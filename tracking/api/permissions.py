from rest_framework import permissions


class HasIngestionToken(permissions.BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None
