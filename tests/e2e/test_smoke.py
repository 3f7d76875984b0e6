def test_home_page_in_a_real_browser_shows_the_site_name(page, live_server, settings):
    settings.SITE_NAME = "Alverno Alpha"
    page.goto(live_server.url + "/")
    assert page.locator(".site-name").inner_text() == "Alverno Alpha"
    assert page.title().startswith("Alverno Alpha")
