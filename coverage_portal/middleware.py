from django.conf import settings

# Scripts and styles only from our own origin: no inline script (element or on…= attribute) can
# run, so an injection that escaped escaping still cannot become an XSS.
# Styles: <style> elements and stylesheets only from our origin (style-src-elem); style="…"
# attributes stay allowed because the charts draw SVG geometry with them. Browsers too old for
# style-src-elem fall back to style-src, which must therefore keep 'unsafe-inline'; a style
# attribute cannot run script, and CSS injection is also stopped by template escaping.
POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "script-src-attr 'none'",
        "style-src 'self' 'unsafe-inline'",
        "style-src-elem 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "object-src 'none'",
    ]
)
# The portal needs none of these browser features; deny them to any injected content.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


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
        response.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        return response
