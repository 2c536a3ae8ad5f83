package org.ugda.policy.web;

import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.policy.GenerateRequest;
import org.ugda.api.policy.GenerateResponse;
import org.ugda.policy.run.GenerationService;

/** Responses for prompts, from the base model or a run's checkpoint. */
@RestController
class GenerateController {
  private final GenerationService generation;

  GenerateController(GenerationService generation) {
    this.generation = generation;
  }

  @PostMapping(
      path = "/v1/generate",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  GenerateResponse generate(@RequestBody GenerateRequest request) {
    return generation.generate(request);
  }
}
