package net.dig.service;

import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * The process {@link RepairCrashTest} kills: reopens the two homes and repairs capsule 1 of the
 * destination's datastore from the source, printing {@code window} after each verified window is on
 * disk. Given {@code KIND:N}, at the N-th step of that kind ({@code window}, {@code land} before the
 * store, {@code repaired} after it and before the staging area goes) it prints {@code halt} and waits
 * to be killed ({@code KIND-nowait:N}: prints it and goes on, to be killed wherever it is by then). Ends
 * printing {@code outcome STATE}, or {@code nothing to repair} when every capsule is servable.
 *
 * <p>Arguments: {@code tmp bytes KIND:N|none}.
 */
public final class RepairCrashChild {
    private RepairCrashChild() {
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
            FetchService fetches = h.fetches(FetchHarness.config(RepairCrashTest.WINDOW));
            fetches.steps = step -> {
                if (step.equals("window")) {
                    System.out.println("window");
                }
                if (step.equals(kind) && ++seen[0] == killAt) {
                    System.out.println("halt");
                    System.out.flush();
                    if (wait) {
                        try {
                            never.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                }
                System.out.flush();
            };
            if (h.dest.datastores().unavailableCapsules(h.manifest.datastoreId()).isEmpty()) {
                fetches.discardRepairStaging(h.manifest.datastoreId());
                System.out.println("nothing to repair");
                return;
            }
            FetchHarness.Link link = h.link();
            FetchSession<String> s = fetches.repair(h.dest.datastores().manifest(h.manifest.datastoreId()).orElseThrow().version(),
                    List.of(1), List.of("p1"), link, x -> { });
            System.out.println("outcome " + link.run(s).state());
        }
        System.out.flush();
    }
}
