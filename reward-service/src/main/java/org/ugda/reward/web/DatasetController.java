package org.ugda.reward.web;

import java.io.IOException;
import java.util.UUID;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RequestPart;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.multipart.MultipartFile;
import org.ugda.api.reward.Dataset;
import org.ugda.reward.dataset.DatasetService;

/** Uploads of preference datasets (HH or RewardBench JSONL), validated before they are stored. */
@RestController
@RequestMapping(path = "/v1/datasets", produces = MediaType.APPLICATION_JSON_VALUE)
class DatasetController {
  private final DatasetService datasets;

  DatasetController(DatasetService datasets) {
    this.datasets = datasets;
  }

  @PostMapping(consumes = MediaType.MULTIPART_FORM_DATA_VALUE)
  ResponseEntity<Dataset> upload(
      @RequestPart("file") MultipartFile file,
      @RequestParam(name = "name", required = false) String name)
      throws IOException {
    if (file.isEmpty()) {
      throw new IllegalArgumentException("the uploaded file is empty");
    }
    return ResponseEntity.status(HttpStatus.CREATED)
        .body(
            datasets.upload(
                name == null ? file.getOriginalFilename() : name, file.getInputStream()));
  }

  @GetMapping("/{id}")
  Dataset get(@PathVariable UUID id) {
    return datasets.get(id);
  }
}
