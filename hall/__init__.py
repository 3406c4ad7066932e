"""The hall service (叫号): one queue for the windows of a service centre, on its LAN — tickets from the kiosk
page, appointments checked in, calls to the windows shown and spoken on the display page."""
