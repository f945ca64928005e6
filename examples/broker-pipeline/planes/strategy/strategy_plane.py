print('strategy plane')
