from django.conf import settings

# Scripts and styles only from our own origin: no inline script can run, so an escaped-away
# injection cannot become an XSS. Inline style attributes are allowed for SVG chart geometry.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)


class ChosenLanguageMiddleware:
    """Vietnamese unless the user pressed the language switch (a cookie set by set_language).

    Django's LocaleMiddleware would follow the browser's Accept-Language, so an office PC with an
    English Chrome would get English number formats on a Vietnamese page."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.utils import translation

        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = language
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", getattr(settings, "CONTENT_SECURITY_POLICY", POLICY))
        return response
