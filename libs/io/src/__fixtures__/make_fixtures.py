"""Regenerate the cross-library fixtures: /usr/bin/python3 make_fixtures.py (numpy, pandas)."""
import numpy as np
import pandas as pd

np.save('f4_2x3.npy', np.array([[1.5, -2.25, 3.0], [0.1, 1e-7, -0.0]], dtype='<f4'))
np.save('i4.npy', np.array([0, -1, 2147483647, -2147483648, 42], dtype='<i4'))
np.save('f8.npy', np.array([np.pi, -np.e, 1e300, np.nan, np.inf], dtype='<f8'))
np.save('u1.npy', np.arange(7, dtype='u1').reshape(7))
pd.DataFrame({
    'time': [0.0001, 0.0002, 0.0003, 0.0004],
    'signal': [-2.76, np.nan, 1.23456789, 3.0e-5],
    'open_channels': [0, 1, 10, 3],
    'sig_id': ['id_000644bb2', 'id, "quoted"', 'line\nbreak', ''],
}).to_csv('pandas.csv', index=False, float_format='%.8g')
