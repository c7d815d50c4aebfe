from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from espace_famille import views

# Staff log in through allauth too: same rate limits, same second factor.
admin.site.login = secure_admin_login(admin.site.login)  # type: ignore[method-assign]  # allauth wraps it
admin.site.site_header = _("Espace Famille — administration")
admin.site.site_title = _("Espace Famille")
admin.site.index_title = _("Gestion de la structure")
# Without the side menu the lists and forms get the whole width (the index lists every model).
admin.site.enable_nav_sidebar = False

urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("healthz", views.healthz, name="healthz"),
    path("famille/", include("famille.urls")),
    path("inscriptions/", include("inscriptions.urls")),
    path("reservations/", include("reservations.urls")),
    path("factures/", include("factures.urls")),
    path("documents/", include("documents.urls")),
    path("documentation/", include("documents.urls_documentation")),
    path("historique/", include("historique.urls")),
    path("contact/", include("contact.urls")),
    path("structure/logo", views.structure_logo, name="structure_logo"),
    path("donnees-personnelles/", views.personal_data, name="personal_data"),
    path("accessibilite/", views.accessibility, name="accessibility"),
    path("mes-donnees/", views.my_data, name="my_data"),
    path("mes-donnees/<str:token>/", views.my_data_download, name="my_data_download"),
    # A parent's login email is set by staff (it identifies the family's account).
    path("accounts/email/", views.not_offered),
    path("accounts/", include("allauth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]

handler403 = "espace_famille.views.permission_denied"
handler404 = "espace_famille.views.page_not_found"
handler500 = "espace_famille.views.server_error"
