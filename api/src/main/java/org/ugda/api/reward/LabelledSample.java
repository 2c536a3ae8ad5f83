package org.ugda.api.reward;

/** An expert's label, 1..5, of a (prompt, response). */
public record LabelledSample(String prompt, String response, int label) {}
