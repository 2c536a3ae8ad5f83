/**
 * The benchmark world (DESIGN.md section 5): a synthetic gold reward that stands in for the paper's
 * human raters, so that reward over-optimisation and UGDA's correction can be measured on a CPU.
 *
 * <p>It will hold the HH-format dialogue generator over a closed vocabulary (the <em>helpful</em>
 * and <em>harmless</em> subtasks), the gold scorer, preference pairs labelled by it with a spurious
 * correlation the proxy rewards can learn (optionally with flipped pairs), a simulated expert with
 * a set agreement rate, the word-level tokenizer and tiny Llama-family model trained from scratch,
 * and the experiment runner that fills the paper's tables over several seeds. It uses {@code
 * ugda-core} for the models and {@code ugda-api} for the contracts through which it drives the
 * services.
 */
package org.ugda.benchmark;
