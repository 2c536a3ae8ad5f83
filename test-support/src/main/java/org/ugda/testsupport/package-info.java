/**
 * Test-scope helpers shared by the services' tests. The one entry point is {@link
 * org.ugda.testsupport.TestDatabase}: a real PostgreSQL per test JVM.
 */
package org.ugda.testsupport;
