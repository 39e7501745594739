"""Stand-ins for pages other issues build (an entry grid, an import form) to exercise the harness."""

from django.http import HttpResponse, HttpResponseRedirect
from django.urls import path

from bench.urls import urlpatterns as bench_urlpatterns

POSTS: list[dict] = []
CONTENT_TYPES: list[str] = []


def grid(request):
    if request.method == "POST":
        assert request.user.is_authenticated  # reads the session and the user, as a real save does
        POSTS.append({key: request.POST.getlist(key) for key in request.POST})
        CONTENT_TYPES.append(request.content_type)
        return HttpResponseRedirect("/grid/")
    return HttpResponse(
        '<form method="post"><input type="hidden" name="1-version" value="3">'
        '<input name="1-enrolled" value="46.106"><input name="1-population" value="50.000"><button>Lưu</button></form>'
    )


def refused(request):
    """A grid that re-renders its form (a warning to confirm): nothing saved."""
    return HttpResponse('<form method="post"><input name="1-enrolled" value="46.106"></form>')


def upload(request):
    if request.method == "POST":
        POSTS.append({"file": request.FILES["workbook"].read(), "document": request.POST["document"]})
        return HttpResponse("xem trước")
    return HttpResponse(
        '<form method="post" enctype="multipart/form-data"><input type="hidden" name="document" value="7">'
        '<input type="file" name="workbook"></form>'
    )


urlpatterns = [path("grid/", grid), path("refused/", refused), path("upload/", upload), *bench_urlpatterns]
