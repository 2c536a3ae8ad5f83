package org.ugda.gateway.experiments;

import java.util.Map;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.gateway.pipeline.PipelineStore;
import org.ugda.support.problem.NotFoundException;

/**
 * {@code GET /api/experiments}: the experiments there are (the values of the runs' {@code
 * experiment} tag, with how many runs each has); {@code GET /api/experiments/{name}}: its tables,
 * computed from its stored runs on every request ({@link ExperimentTables}). {@code ./ugda
 * experiments} writes its report from the same answer, and the dashboard shows it.
 */
@RestController
@RequestMapping(path = "/api/experiments", produces = MediaType.APPLICATION_JSON_VALUE)
class ExperimentController {
  private final PipelineStore store;

  ExperimentController(PipelineStore store) {
    this.store = store;
  }

  @GetMapping
  Map<String, Long> list() {
    return store.tagValues("experiment");
  }

  @GetMapping("/{name}")
  ExperimentTables.Report get(@PathVariable String name) {
    if (name.length() > 200) {
      throw new IllegalArgumentException("an experiment's name has at most 200 characters");
    }
    var runs = store.tagged("experiment", name);
    if (runs.isEmpty()) {
      throw new NotFoundException(
          "no run is tagged experiment=" + name + "; GET /api/experiments lists the experiments");
    }
    return ExperimentTables.of(name, runs);
  }
}
