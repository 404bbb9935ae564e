package dev.agentrpc.spring;

import org.springframework.beans.factory.BeanClassLoaderAware;
import org.springframework.beans.factory.config.AutowireCapableBeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;

/**
 * Registers one bean per indexed service's generated {@code XProxy}, made by its static {@code
 * of(Clients)} with the context's {@code Clients}. The bean is named after the proxy class; a bean
 * of that name defined by the application wins.
 */
final class ProxyRegistrar implements BeanDefinitionRegistryPostProcessor, BeanClassLoaderAware {
  private ClassLoader classLoader = ProxyRegistrar.class.getClassLoader();

  @Override
  public void setBeanClassLoader(ClassLoader classLoader) {
    this.classLoader = classLoader;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    for (ServiceIndex.Service service : ServiceIndex.load(classLoader)) {
      String name = service.proxy().getName();
      if (registry.containsBeanDefinition(name)) {
        continue;
      }
      RootBeanDefinition proxy = new RootBeanDefinition(service.proxy());
      proxy.setFactoryMethodName("of");
      proxy.setAutowireMode(AutowireCapableBeanFactory.AUTOWIRE_CONSTRUCTOR);
      registry.registerBeanDefinition(name, proxy);
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {}
}
