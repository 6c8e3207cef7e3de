def csp_nonce(request):
    """The CSP nonce under the name django-htmx's script tags look for."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
