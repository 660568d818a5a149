"""Templates for ``jobbsats new-plugin``: a package skeleton with one rule or report, a test and a README."""
