"""Every Store passes one suite: the tests here and every test that takes the `store` fixture."""
