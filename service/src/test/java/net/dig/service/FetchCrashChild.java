package net.dig.service;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

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
        String killKind = args[2].equals("none") ? "" : args[2].substring(0, args[2].indexOf(':'));
        boolean wait = !killKind.endsWith("-nowait");
        String kind = killKind.replace("-nowait", "");
        int killAt = args[2].equals("none") ? -1 : Integer.parseInt(args[2].substring(args[2].indexOf(':') + 1));
        CountDownLatch never = new CountDownLatch(1);
        int[] seen = {0};
        try (FetchHarness h = FetchHarness.reopen(tmp, bytes)) {
            FetchService fetches = h.fetches(FetchHarness.config(FetchCrashTest.WINDOW));
            fetches.steps = step -> {
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
}
