app_name = "mediation"

urlpatterns = []
