package org.ugda.policy.web;

import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.servlet.mvc.method.annotation.StreamingResponseBody;
import org.ugda.api.binary.FloatMatrices;
import org.ugda.api.policy.FeatureRequest;
import org.ugda.policy.run.FeatureService;

/** Gradient features at a checkpoint, as a streamed float32 matrix. */
@RestController
class FeatureController {
  private final FeatureService features;

  FeatureController(FeatureService features) {
    this.features = features;
  }

  @PostMapping(
      path = "/v1/runs/{runId}/checkpoints/{epoch}/features",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = FloatMatrices.CONTENT_TYPE)
  ResponseEntity<StreamingResponseBody> features(
      @PathVariable UUID runId, @PathVariable int epoch, @RequestBody FeatureRequest request) {
    FeatureService.Prepared p = features.prepare(runId, epoch, request);
    long[] shape = p.shape();
    return ResponseEntity.ok()
        .contentType(FloatMatrices.MEDIA_TYPE)
        .header("X-Ugda-Shape", shape[0] + "," + shape[1])
        .body(p::writeTo);
  }
}
