package net.dig.node;

/** Entry point of the {@code dig-node} command. */
public final class Main {
    private Main() {}

    public static void main(String[] args) {
        System.out.println("dig-node 0.1.0-SNAPSHOT");
    }
}
