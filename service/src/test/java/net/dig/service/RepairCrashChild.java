package net.dig.service;

import java.nio.file.Path;
import java.util.List;

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
        try (FetchHarness h = FetchHarness.reopen(tmp, bytes)) {
            FetchService fetches = h.fetches(FetchHarness.config(RepairCrashTest.WINDOW));
            fetches.steps = FetchCrashChild.steps(args[2]);
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
