package org.ugda.reward.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.ugda.api.reward.Ensemble;
import org.ugda.api.reward.ScoreItem;
import org.ugda.api.reward.ScoreRequest;
import org.ugda.api.reward.ScoreResponse;
import org.ugda.api.reward.ScoredItem;
import org.ugda.reward.ensemble.EnsembleService;
import org.ugda.reward.scoring.ScoringService;
import org.ugda.support.problem.NotFoundException;
import tools.jackson.databind.JsonNode;

/**
 * OpenRLHF's remote reward protocol ({@code --remote_rm_url}, {@code --reward.remote_url}): {@code
 * POST /get_reward} with {@code {"query": [str], "prompts": [str]?, "labels": [str]?}} answers
 * {@code {"rewards": [float], "scores": [float], "extra_logs": {...}}}, every list as long as
 * {@code query}. The texts are scored exactly as {@code /v1/ensembles/{id}/score} scores them, and
 * through the same dynamic batcher, so OpenRLHF's one-sample-per-request traffic is merged into
 * shared forward passes.
 *
 * <ul>
 *   <li>{@code query[i]} is prompt + response as OpenRLHF decodes it, special tokens included. The
 *       special tokens of the usual chat templates at its ends ({@link #SPECIAL}) are dropped; the
 *       response is what follows {@code prompts[i]} when the query starts with it, else what
 *       follows the last {@code "\n\nAssistant:"} (the HH layout), else the whole query with an
 *       empty prompt.
 *   <li>{@code rewards}: the shaped reward (mean, or lcb/uwo by option); {@code scores}: the
 *       logistic of the reward, in [0, 1]; {@code extra_logs}: {@code ensemble_mean}, {@code
 *       ensemble_variance} and {@code member_<i>}, flat lists as OpenRLHF logs them.
 *   <li>{@code labels} are accepted and not used (the ensemble needs no reference answer).
 * </ul>
 */
@RestController
class RemoteRewardController {
  static final String ASSISTANT = "\n\nAssistant:";

  /** Special-token texts stripped from a query's ends (Llama, Gemma, Qwen, GPT-2 templates). */
  static final List<String> SPECIAL =
      List.of(
          "<|begin_of_text|>",
          "<|end_of_text|>",
          "<|eot_id|>",
          "<|im_end|>",
          "<|endoftext|>",
          "<start_of_turn>",
          "<end_of_turn>",
          "<bos>",
          "<eos>",
          "<pad>",
          "<s>",
          "</s>");

  private final ScoringService scoring;
  private final EnsembleService ensembles;
  private final RemoteRewardProperties props;

  RemoteRewardController(
      ScoringService scoring, EnsembleService ensembles, RemoteRewardProperties props) {
    this.scoring = scoring;
    this.ensembles = ensembles;
    this.props = props;
  }

  @PostMapping(
      path = "/get_reward",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> reward(
      @RequestBody JsonNode body,
      @RequestParam(required = false) String ensemble,
      @RequestParam(required = false) Integer version,
      @RequestParam(required = false) String shaping,
      @RequestParam(required = false) Double lambda) {
    return answer(body, ensemble, version, shaping, lambda);
  }

  /** The same, with the ensemble in the path (for clients that cannot add a query string). */
  @PostMapping(
      path = "/get_reward/{ensemble}",
      consumes = MediaType.APPLICATION_JSON_VALUE,
      produces = MediaType.APPLICATION_JSON_VALUE)
  Map<String, Object> rewardOf(
      @RequestBody JsonNode body,
      @PathVariable String ensemble,
      @RequestParam(required = false) Integer version,
      @RequestParam(required = false) String shaping,
      @RequestParam(required = false) Double lambda) {
    return answer(body, ensemble, version, shaping, lambda);
  }

  private Map<String, Object> answer(
      JsonNode body, String ensemble, Integer version, String shaping, Double lambda) {
    List<String> query = strings(body, "query", true);
    List<String> prompts = strings(body, "prompts", false);
    strings(body, "labels", false);
    if (prompts != null && prompts.size() != query.size()) {
      throw new IllegalArgumentException(
          "prompts holds "
              + prompts.size()
              + " texts and query "
              + query.size()
              + "; send one prompt per query or none");
    }
    RemoteShaping how = RemoteShaping.of(shaping != null ? shaping : props.shaping());
    double lam =
        lambda != null ? lambda : props.lambda() != null ? props.lambda() : how.defaultLambda;
    if (!(lam >= 0 && lam <= 1e6)) {
      throw new IllegalArgumentException("lambda must be in [0, 1e6], got " + lam);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    List<Double> rewards = new ArrayList<>();
    List<Double> scores = new ArrayList<>();
    List<Double> means = new ArrayList<>();
    List<Double> variances = new ArrayList<>();
    Map<String, Object> logs = new LinkedHashMap<>();
    logs.put("ensemble_mean", means);
    logs.put("ensemble_variance", variances);
    out.put("rewards", rewards);
    out.put("scores", scores);
    out.put("extra_logs", logs);
    if (query.isEmpty()) {
      return out;
    }
    UUID id = resolve(ensemble != null ? ensemble : props.ensemble());
    List<ScoreItem> items = new ArrayList<>();
    for (int i = 0; i < query.size(); i++) {
      items.add(split(query.get(i), prompts == null ? null : prompts.get(i)));
    }
    ScoreResponse r =
        scoring.score(id, new ScoreRequest(items, version != null ? version : props.version()));
    List<List<Double>> members = new ArrayList<>();
    for (ScoredItem s : r.items()) {
      double reward = how.apply(s.mean(), s.variance(), lam);
      rewards.add(reward);
      scores.add(1 / (1 + Math.exp(-reward)));
      means.add(s.mean());
      variances.add(s.variance());
      for (int m = 0; m < s.members().size(); m++) {
        if (members.size() <= m) {
          members.add(new ArrayList<>());
        }
        members.get(m).add(s.members().get(m));
      }
    }
    for (int m = 0; m < members.size(); m++) {
      logs.put("member_" + m, members.get(m));
    }
    return out;
  }

  private UUID resolve(String ensemble) {
    if (ensemble == null || ensemble.isBlank()) {
      throw new IllegalArgumentException(
          "no ensemble: name one with ?ensemble=<id or name>, the path /get_reward/<id or name>,"
              + " or ugda.reward.remote.ensemble");
    }
    try {
      return UUID.fromString(ensemble);
    } catch (IllegalArgumentException notAnId) {
      for (Ensemble e : ensembles.list()) {
        if (e.name().equals(ensemble)) {
          return e.id();
        }
      }
      throw new NotFoundException("no ensemble with id or name '" + cut(ensemble) + "'");
    }
  }

  private static String cut(String s) {
    return s.length() <= 60 ? s : s.substring(0, 60) + "...";
  }

  /** The list field {@code name} of the body: strings only, or absent where allowed. */
  static List<String> strings(JsonNode body, String name, boolean required) {
    if (body == null || !body.isObject()) {
      throw new IllegalArgumentException(
          "the body must be a JSON object {\"query\": [str], \"prompts\": [str], \"labels\": [str]}");
    }
    JsonNode v = body.get(name);
    if (v == null || v.isNull()) {
      if (required) {
        throw new IllegalArgumentException(name + " is required: a list of strings (may be empty)");
      }
      return null;
    }
    if (!v.isArray()) {
      throw new IllegalArgumentException(name + " must be a list of strings");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      if (!v.get(i).isString()) {
        throw new IllegalArgumentException(
            name + "[" + i + "] must be a string, got " + v.get(i).getNodeType());
      }
      out.add(v.get(i).asString());
    }
    return out;
  }

  /** A query as (prompt, response), special tokens at its ends dropped. */
  static ScoreItem split(String query, String prompt) {
    String q = strip(query);
    if (prompt != null) {
      String p = strip(prompt);
      if (!p.isEmpty() && q.startsWith(p)) {
        return new ScoreItem(p, q.substring(p.length()).strip());
      }
    }
    int at = q.lastIndexOf(ASSISTANT);
    if (at >= 0) {
      return new ScoreItem(
          q.substring(0, at + ASSISTANT.length()), strip(q.substring(at + ASSISTANT.length())));
    }
    return new ScoreItem("", q.strip());
  }

  /**
   * Drops special-token texts from both ends. Leading whitespace is kept (an HH prompt begins with
   * {@code "\n\nHuman:"}, which the reward codec reads as the dialogue's layout); trailing
   * whitespace goes.
   */
  static String strip(String s) {
    String t = s;
    boolean changed = true;
    while (changed) {
      changed = false;
      t = t.stripTrailing();
      for (String sp : SPECIAL) {
        if (t.startsWith(sp)) {
          t = t.substring(sp.length());
          changed = true;
        }
        if (t.endsWith(sp)) {
          t = t.substring(0, t.length() - sp.length());
          changed = true;
        }
      }
    }
    return t;
  }
}
