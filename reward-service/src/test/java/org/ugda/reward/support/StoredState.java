package org.ugda.reward.support;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.ugda.testsupport.TestDatabase;

/**
 * What reward-service has stored: every row of every reward table, and every file under the storage
 * root's {@code reward/} with its size. Tests compare it before and after a refused request to show
 * that bad input loses and adds nothing.
 */
public final class StoredState {
  private StoredState() {}

  public static String of(TestDatabase db, Path storage) throws Exception {
    Map<String, Object> s = new TreeMap<>();
    try (Connection c = db.connect()) {
      for (String t : List.of("ensembles", "ensemble_versions", "jobs", "datasets")) {
        List<String> rows = new ArrayList<>();
        try (ResultSet rs = c.createStatement().executeQuery("select * from reward." + t)) {
          int n = rs.getMetaData().getColumnCount();
          while (rs.next()) {
            StringBuilder row = new StringBuilder();
            for (int i = 1; i <= n; i++) {
              row.append(rs.getString(i)).append('|');
            }
            rows.add(row.toString());
          }
        }
        Collections.sort(rows);
        s.put(t, rows);
      }
    }
    Path reward = storage.resolve("reward");
    if (Files.isDirectory(reward)) {
      try (Stream<Path> files = Files.walk(reward)) {
        s.put(
            "files",
            files
                .filter(Files::isRegularFile)
                .map(p -> storage.relativize(p) + ":" + p.toFile().length())
                .sorted()
                .toList());
      }
    }
    return s.toString();
  }
}
