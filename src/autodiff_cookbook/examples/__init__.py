"""The code the documentation pages teach with: one module per page, named after the page.

``import autodiff_cookbook`` does not load this package, and this package imports
nothing by itself: import the module of a page, for example
``from autodiff_cookbook.examples.gradients import quadratic``. A function lives
in the module of the first page (in the site's order) that teaches it; a later
page imports it from there. The modules, in the order of the pages:

- :mod:`~autodiff_cookbook.examples.gradients`: *Gradients with jax.grad*
- :mod:`~autodiff_cookbook.examples.pytrees`: *Gradients of pytrees*
- :mod:`~autodiff_cookbook.examples.jacobians`: *Jacobians*
- :mod:`~autodiff_cookbook.examples.hessians`: *Hessians and beyond*
- :mod:`~autodiff_cookbook.examples.computation_graph`: *Seeing the computation graph*
- :mod:`~autodiff_cookbook.examples.from_scratch`: *How autodiff works: forward and reverse mode from scratch*
- :mod:`~autodiff_cookbook.examples.matrix_calculus`: *Matrix calculus, verified*
- :mod:`~autodiff_cookbook.examples.jvp_vjp`: *JVPs, VJPs and jax.linearize*
- :mod:`~autodiff_cookbook.examples.forward_vs_reverse`: *Forward vs reverse mode, measured*
- :mod:`~autodiff_cookbook.examples.hessian_vector_products`: *Hessian-vector products*
- :mod:`~autodiff_cookbook.examples.per_example_gradients`: *Per-example gradients*
- :mod:`~autodiff_cookbook.examples.stop_gradient`: *Stopping gradients*
- :mod:`~autodiff_cookbook.examples.custom_rules`: *Custom derivative rules*
- :mod:`~autodiff_cookbook.examples.control_flow`: *Loops and control flow*
- :mod:`~autodiff_cookbook.examples.checkpointing`: *Checkpointing: trading compute for memory*
- :mod:`~autodiff_cookbook.examples.implicit`: *Implicit differentiation*
- :mod:`~autodiff_cookbook.examples.sparse_jacobians`: *Sparse Jacobians and Hessians by colouring*
- :mod:`~autodiff_cookbook.examples.gauss_newton`: *Gauss-Newton and Fisher products*
- :mod:`~autodiff_cookbook.examples.complex`: *Complex numbers*
- :mod:`~autodiff_cookbook.examples.pitfalls`: *Pitfalls*
- :mod:`~autodiff_cookbook.examples.derivative_rules`: *Checking derivative rules*
- :mod:`~autodiff_cookbook.examples.checkers_compared`: *Gradient checkers compared*
- :mod:`~autodiff_cookbook.examples.spectral`: *Eigenvalues, eigenvectors and the SVD near degeneracy*
- :mod:`~autodiff_cookbook.examples.taylor_mode`: *Higher derivatives and Taylor mode*

The page *Checking gradients* uses the checking library only. One module serves
pages without being taught by any: :mod:`~autodiff_cookbook.examples.timing`
times compiled functions for the pages that measure.
"""
