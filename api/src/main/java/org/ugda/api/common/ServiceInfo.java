package org.ugda.api.common;

import java.util.Objects;

/**
 * Identifies a running UGDA service: its application name and the version of the build.
 *
 * @param name    the service's {@code spring.application.name}, e.g. {@code reward-service}
 * @param version the build version, e.g. {@code 0.1.0-SNAPSHOT}
 */
public record ServiceInfo(String name, String version) {

    public ServiceInfo {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
    }
}
