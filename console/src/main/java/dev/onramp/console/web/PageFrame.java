package dev.onramp.console.web;

/** What every page's frame shows: its title, who is signed in (null: nobody), the CSRF token of their forms. */
public record PageFrame(String title, String section, String keyId, String csrf, int refreshSeconds) {
    static PageFrame signedOut(String title) {
        return new PageFrame(title, "", null, "", 0);
    }

    public boolean signedIn() {
        return keyId != null;
    }

    /** {@code aria-current} of a navigation link. */
    public String current(String name) {
        return name.equals(section) ? "page" : "false";
    }
}
