"""URLs of this area; its pages arrive with its own issue."""

app_name = "nonconformities"
urlpatterns = []
