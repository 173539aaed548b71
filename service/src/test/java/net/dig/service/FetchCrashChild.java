package net.dig.service;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Consumer;

/**
 * The process {@link FetchCrashTest} kills: reopens the two homes {@link FetchHarness#create} made and
 * fetches the source's datastore into the destination, printing {@code window} after each verified
 * window is on disk. Given {@code KIND:N}, at the N-th step of that kind ({@code window}, {@code land}
 * before the store, {@code landed} after it and before the staging area goes) it prints {@code halt}
 * and waits to be killed ({@code KIND-nowait:N}: prints it and goes on, to be killed wherever it is by
 * then, for example inside the store). Ends printing {@code outcome STATE}, or {@code held} when the destination
 * already holds the version.
 *
 * <p>Arguments: {@code tmp bytes KIND:N|none}.
 */
public final class FetchCrashChild {
    private FetchCrashChild() {
    }

    public static void main(String[] args) throws Exception {
        Path tmp = Path.of(args[0]);
        int bytes = Integer.parseInt(args[1]);
        try (FetchHarness h = FetchHarness.reopen(tmp, bytes)) {
            FetchService fetches = h.fetches(FetchHarness.config(FetchCrashTest.WINDOW));
            fetches.steps = steps(args[2]);
            FetchHarness.Link link = h.link();
            FetchSession<String> s;
            try {
                s = fetches.begin(h.manifest.version(), List.of("p1", "p2"), link);
            } catch (ServiceException e) {
                System.out.println(e.code() == ErrorCode.STALE_VERSION ? "held" : "refused " + e.code());
                return;
            }
            System.out.println("outcome " + link.run(s).state());
        }
        System.out.flush();
    }

    /** The step hook for {@code KIND:N|none}: prints {@code window}s and {@code halt} as the class note says. */
    static Consumer<String> steps(String kill) {
        String killKind = kill.equals("none") ? "" : kill.substring(0, kill.indexOf(':'));
        boolean wait = !killKind.endsWith("-nowait");
        String kind = killKind.replace("-nowait", "");
        int killAt = kill.equals("none") ? -1 : Integer.parseInt(kill.substring(kill.indexOf(':') + 1));
        CountDownLatch never = new CountDownLatch(1);
        int[] seen = {0};
        return step -> {
            if (step.equals("window")) {
                System.out.println("window");
            }
            if (step.equals(kind) && ++seen[0] == killAt) {
                System.out.println("halt");
                System.out.flush();
                try {
                    if (!wait) {
                        return;
                    }
                    never.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            System.out.flush();
        };
    }
}
