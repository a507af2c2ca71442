# procsim in a container: the release binary (Swift runtime and Foundation linked in) on a slim
# Debian with nothing else but the single-threaded OpenBLAS. Used by the Kubernetes Indexed Job in
# docs/kubernetes/ and the CI examples in docs/ci.md.
#   docker build -t procsim .
#   docker run --rm -v "$PWD:/work" procsim run scenarios/order-to-delivery.yaml
# The runtime stage holds exactly what tests/StaticBinaryTests proves the binary needs: the C
# libraries of Debian, OpenBLAS, and no Swift toolchain. A time-zone database is not needed.

# Build: the toolchain image of the Swift release procsim is built and tested with.
FROM swift:6.3.1-bookworm AS build
WORKDIR /src
# Dependencies first, so that a change to the sources does not fetch them again.
COPY Package.swift Package.resolved ./
RUN swift package resolve
COPY . .
# scripts/build-release.sh installs OpenBLAS (headers and the single-threaded library) itself.
RUN scripts/build-release.sh \
 && strip -o /procsim .build/release/procsim \
 && /procsim --version

# Run: Debian slim and OpenBLAS; the binary finds the single-threaded OpenBLAS by its run path.
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends libopenblas0-serial \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --create-home --uid 10001 procsim
COPY --from=build /procsim /usr/local/bin/procsim
COPY --from=build /src/scenarios /usr/share/procsim/scenarios
# No USER: CI job containers (GitHub Actions' `container:`) run their steps as the image's user,
# and actions/checkout needs root to write the workspace. Clusters choose the user instead
# (docs/kubernetes/ runs procsim as uid 10001, the user made above); so can `docker run --user`.
WORKDIR /work
ENTRYPOINT ["procsim"]
CMD ["--help"]
