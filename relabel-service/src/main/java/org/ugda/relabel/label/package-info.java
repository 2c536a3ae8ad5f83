/** Labels: immutable rows, one original per item, corrections that supersede with a link. */
package org.ugda.relabel.label;
