package test;

/** A class from a library, with the name of the proxy the processor would generate. */
public class TakenOnClasspathProxy {}
