package dev.onramp.bench.crash;

/** The class path a child JVM runs on: the test class path under Maven, else this JVM's (the bench jar's manifest). */
final class ChildClassPath {
    private ChildClassPath() {
    }

    static String get() {
        return System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    }
}
